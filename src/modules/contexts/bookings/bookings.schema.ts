import { resolve } from '@feathersjs/schema'
import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../declarations'
import { dataValidator, queryValidator } from '../../../validators'
import { Id, Timestamp } from '../../../schema-types'
import { bookingStatuses } from '../../../context-statuses'
import type { BookingService } from './bookings.class'

export const bookingSchema = Type.Object(
  {
    id: Id,
    borrower_company_id: Id,
    lender_company_id: Id,
    worker_id: Id,
    supervisor_id: Id,
    status: Type.Union(bookingStatuses.map((status) => Type.Literal(status))),
    created_at: Timestamp
  },
  { $id: 'Booking', additionalProperties: false }
)
export type Booking = Static<typeof bookingSchema>

export const bookingDataSchema = Type.Object(
  {
    borrower_company_id: Id,
    lender_company_id: Id,
    worker_id: Id,
    supervisor_id: Id,
    status: Type.Optional(bookingSchema.properties.status)
  },
  { $id: 'BookingData', additionalProperties: false }
)
export type BookingData = Static<typeof bookingDataSchema>
export const bookingDataValidator = getValidator(bookingDataSchema, dataValidator)

export const bookingPatchSchema = Type.Partial(bookingDataSchema, {
  $id: 'BookingPatch',
  additionalProperties: false,
  minProperties: 1
})
export type BookingPatch = Static<typeof bookingPatchSchema>
export const bookingPatchValidator = getValidator(bookingPatchSchema, dataValidator)

export const bookingQuerySchema = querySyntax(
  Type.Pick(bookingSchema, [
    'id',
    'borrower_company_id',
    'lender_company_id',
    'worker_id',
    'supervisor_id',
    'status',
    'created_at'
  ])
)
export type BookingQuery = Static<typeof bookingQuerySchema>
export const bookingQueryValidator = getValidator(bookingQuerySchema, queryValidator)
export const bookingQueryResolver = resolve<BookingQuery, HookContext<BookingService>>({})
