import { resolve } from '@feathersjs/schema'
import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../declarations'
import { dataValidator, queryValidator } from '../../../validators'
import { Id, Timestamp } from '../../../schema-types'
import { disputeStatuses } from '../../../context-statuses'
import type { DisputeService } from './disputes.class'

export const disputeSchema = Type.Object(
  {
    id: Id,
    booking_id: Id,
    status: Type.Union(disputeStatuses.map((status) => Type.Literal(status))),
    party_ids: Type.Array(Id, { uniqueItems: true, maxItems: 100 }),
    created_at: Timestamp
  },
  { $id: 'Dispute', additionalProperties: false }
)
export type Dispute = Static<typeof disputeSchema>

export const disputeDataSchema = Type.Object(
  {
    booking_id: Id,
    status: Type.Optional(disputeSchema.properties.status),
    party_ids: disputeSchema.properties.party_ids
  },
  { $id: 'DisputeData', additionalProperties: false }
)
export type DisputeData = Static<typeof disputeDataSchema>
export const disputeDataValidator = getValidator(disputeDataSchema, dataValidator)

export const disputePatchSchema = Type.Partial(Type.Pick(disputeDataSchema, ['status', 'party_ids']), {
  $id: 'DisputePatch',
  additionalProperties: false,
  minProperties: 1
})
export type DisputePatch = Static<typeof disputePatchSchema>
export const disputePatchValidator = getValidator(disputePatchSchema, dataValidator)

export const disputeQuerySchema = querySyntax(
  Type.Pick(disputeSchema, ['id', 'booking_id', 'status', 'created_at'])
)
export type DisputeQuery = Static<typeof disputeQuerySchema>
export const disputeQueryValidator = getValidator(disputeQuerySchema, queryValidator)
export const disputeQueryResolver = resolve<DisputeQuery, HookContext<DisputeService>>({})
