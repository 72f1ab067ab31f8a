import { resolve } from '@feathersjs/schema'
import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../declarations'
import { dataValidator, queryValidator } from '../../../validators'
import { Id, Timestamp, documented } from '../../../schema-types'
import { disputeStatuses } from '../../../context-statuses'
import type { DisputeService } from './disputes.class'

export const disputeSchema = Type.Object(
  {
    id: documented(Id, 'The dispute’s id', [51]),
    booking_id: documented(Id, 'The booking it is about', [42]),
    status: Type.Union(
      disputeStatuses.map((status) => Type.Literal(status)),
      {
        description: 'Where the dispute stands: `resolved` and `closed` make its channel read-only',
        examples: ['open']
      }
    ),
    party_ids: Type.Array(documented(Id, 'A party'), {
      uniqueItems: true,
      maxItems: 100,
      description: 'The people in its channel besides admins: at most 100, each once',
      examples: [[11, 13]]
    }),
    created_at: documented(Timestamp, 'When it was opened', ['2026-12-01T09:00:00.000Z'])
  },
  {
    $id: 'Dispute',
    additionalProperties: false,
    description: 'A disagreement about a booking, with a channel of its own for its parties'
  }
)
export type Dispute = Static<typeof disputeSchema>

export const disputeDataSchema = Type.Object(
  {
    booking_id: disputeSchema.properties.booking_id,
    status: Type.Optional(disputeSchema.properties.status),
    party_ids: disputeSchema.properties.party_ids
  },
  {
    $id: 'DisputeData',
    additionalProperties: false,
    description: 'A new dispute (status `open` unless given)',
    examples: [{ booking_id: 42, party_ids: [11, 13] }]
  }
)
export type DisputeData = Static<typeof disputeDataSchema>
export const disputeDataValidator = getValidator(disputeDataSchema, dataValidator)

export const disputePatchSchema = Type.Partial(Type.Pick(disputeDataSchema, ['status', 'party_ids']), {
  $id: 'DisputePatch',
  additionalProperties: false,
  minProperties: 1,
  description: 'Changes to a dispute; its channel’s participants and status follow',
  examples: [{ party_ids: [11, 13, 15] }]
})
export type DisputePatch = Static<typeof disputePatchSchema>
export const disputePatchValidator = getValidator(disputePatchSchema, dataValidator)

export const disputeQuerySchema = querySyntax(
  Type.Pick(disputeSchema, ['id', 'booking_id', 'status', 'created_at'])
)
export type DisputeQuery = Static<typeof disputeQuerySchema>
export const disputeQueryValidator = getValidator(disputeQuerySchema, queryValidator)
export const disputeQueryResolver = resolve<DisputeQuery, HookContext<DisputeService>>({})
