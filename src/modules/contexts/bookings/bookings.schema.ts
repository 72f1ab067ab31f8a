import { resolve } from '@feathersjs/schema'
import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../declarations'
import { dataValidator, queryValidator } from '../../../validators'
import { Id, Timestamp, documented } from '../../../schema-types'
import { bookingStatuses } from '../../../context-statuses'
import type { BookingService } from './bookings.class'

export const bookingSchema = Type.Object(
  {
    id: documented(Id, 'The booking’s id', [42]),
    borrower_company_id: documented(Id, 'The company that borrows the worker', [21]),
    lender_company_id: documented(Id, 'The company that lends the worker', [22]),
    worker_id: documented(Id, 'The person lent', [11]),
    supervisor_id: documented(Id, 'The person who supervises the worker at the borrower', [12]),
    status: Type.Union(
      bookingStatuses.map((status) => Type.Literal(status)),
      {
        description: 'Where the booking stands: `completed` and `cancelled` make its channel read-only',
        examples: ['confirmed']
      }
    ),
    created_at: documented(Timestamp, 'When it was created', ['2026-12-01T09:00:00.000Z'])
  },
  {
    $id: 'Booking',
    additionalProperties: false,
    description: 'A worker lent by one company to another: its channel’s participants follow it'
  }
)
export type Booking = Static<typeof bookingSchema>

export const bookingDataSchema = Type.Object(
  {
    borrower_company_id: bookingSchema.properties.borrower_company_id,
    lender_company_id: bookingSchema.properties.lender_company_id,
    worker_id: bookingSchema.properties.worker_id,
    supervisor_id: bookingSchema.properties.supervisor_id,
    status: Type.Optional(bookingSchema.properties.status)
  },
  {
    $id: 'BookingData',
    additionalProperties: false,
    description: 'A new booking (status `pending` unless given)',
    examples: [
      {
        borrower_company_id: 21,
        lender_company_id: 22,
        worker_id: 11,
        supervisor_id: 12,
        status: 'confirmed'
      }
    ]
  }
)
export type BookingData = Static<typeof bookingDataSchema>
export const bookingDataValidator = getValidator(bookingDataSchema, dataValidator)

export const bookingPatchSchema = Type.Partial(bookingDataSchema, {
  $id: 'BookingPatch',
  additionalProperties: false,
  minProperties: 1,
  description: 'Changes to a booking; its channel’s participants and status follow',
  examples: [{ status: 'in_progress' }]
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
