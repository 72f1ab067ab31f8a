import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, Nullable, Timestamp } from '../../../../schema-types'

export const participantRoles = [
  'worker',
  'supervisor',
  'borrower_admin',
  'borrower_manager',
  'lender_admin',
  'lender_manager',
  'dispute_party'
] as const
export type ParticipantRole = (typeof participantRoles)[number]

export const participantSchema = Type.Object(
  {
    id: Id,
    channel_id: Id,
    user_id: Id,
    role: Type.Union(participantRoles.map((role) => Type.Literal(role))),
    joined_at: Timestamp,
    removed_at: Nullable(Timestamp),
    last_read_at: Nullable(Timestamp),
    last_read_seq: Type.Integer({ minimum: 0 }),
    /** shown to the participant it belongs to (and admins) only */
    muted: Type.Optional(Type.Boolean())
  },
  { $id: 'Participant', additionalProperties: false }
)
export type Participant = Static<typeof participantSchema>

export const participantPatchSchema = Type.Object(
  {
    last_read_seq: Type.Optional(Type.Integer({ minimum: 0 })),
    last_read_at: Type.Optional(Timestamp),
    muted: Type.Optional(Type.Boolean())
  },
  { $id: 'ParticipantPatch', additionalProperties: false, minProperties: 1 }
)
export type ParticipantPatch = Static<typeof participantPatchSchema>
export const participantPatchValidator = getValidator(participantPatchSchema, dataValidator)

export const participantQuerySchema = Type.Object(
  {
    channel_id: Id,
    user_id: Type.Optional(Id),
    $withRemoved: Type.Optional(Type.Boolean()),
    $limit: Type.Optional(Type.Integer({ minimum: 0 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 }))
  },
  { $id: 'ParticipantQuery', additionalProperties: false }
)
export type ParticipantQuery = Static<typeof participantQuerySchema>
export const participantQueryValidator = getValidator(participantQuerySchema, queryValidator)

/** A patch without an id names the channel; the caller's own row in it is patched. */
export const participantPatchQuerySchema = Type.Object(
  { channel_id: Type.Optional(Id) },
  { $id: 'ParticipantPatchQuery', additionalProperties: false }
)
export type ParticipantPatchQuery = Static<typeof participantPatchQuerySchema>
export const participantPatchQueryValidator = getValidator(participantPatchQuerySchema, queryValidator)
