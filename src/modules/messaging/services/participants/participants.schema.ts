import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, Nullable, Timestamp, documented } from '../../../../schema-types'

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
    id: documented(Id, 'The participant row’s id', [71]),
    channel_id: documented(Id, 'The channel', [7]),
    user_id: documented(Id, 'The person', [11]),
    role: Type.Union(
      participantRoles.map((role) => Type.Literal(role)),
      { description: 'Why they are in the channel, from its booking or dispute' }
    ),
    joined_at: documented(Timestamp, 'When they joined'),
    removed_at: documented(Nullable(Timestamp), 'When they left (null: still in; admins see removed rows)'),
    last_read_at: documented(Nullable(Timestamp), 'When they last read the channel'),
    last_read_seq: Type.Integer({
      minimum: 0,
      description: 'Their read position: the seq of the last message read (never moves back)'
    }),
    /** shown to the participant it belongs to (and admins) only */
    muted: Type.Optional(
      Type.Boolean({ description: 'No SMS or push for this channel; shown to its owner and admins only' })
    )
  },
  { $id: 'Participant', additionalProperties: false, description: 'A person in a channel' }
)
export type Participant = Static<typeof participantSchema>

export const participantPatchSchema = Type.Object(
  {
    last_read_seq: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Read up to this seq (a lower one than the current position leaves it where it is)',
        examples: [1]
      })
    ),
    last_read_at: Type.Optional(documented(Timestamp, 'When it was read (default: now)')),
    muted: Type.Optional(Type.Boolean({ description: 'Mute (true) or unmute the channel’s notifications' }))
  },
  {
    $id: 'ParticipantPatch',
    additionalProperties: false,
    minProperties: 1,
    description: 'Marks the channel read or mutes it: one’s own row only; at least one field',
    examples: [{ last_read_seq: 1 }]
  }
)
export type ParticipantPatch = Static<typeof participantPatchSchema>
export const participantPatchValidator = getValidator(participantPatchSchema, dataValidator)

export const participantQuerySchema = Type.Object(
  {
    channel_id: documented(Id, 'The channel (required)', [7]),
    user_id: Type.Optional(documented(Id, 'Only this person’s row', [11])),
    $withRemoved: Type.Optional(Type.Boolean({ description: 'Admins only: include people who left' })),
    $limit: Type.Optional(Type.Integer({ minimum: 0, description: 'Page size' })),
    $skip: Type.Optional(Type.Integer({ minimum: 0, description: 'Rows to skip' }))
  },
  { $id: 'ParticipantQuery', additionalProperties: false }
)
export type ParticipantQuery = Static<typeof participantQuerySchema>
export const participantQueryValidator = getValidator(participantQuerySchema, queryValidator)

/** A patch without an id names the channel; the caller's own row in it is patched. */
export const participantPatchQuerySchema = Type.Object(
  { channel_id: Type.Optional(documented(Id, 'The channel whose own row to patch', [7])) },
  { $id: 'ParticipantPatchQuery', additionalProperties: false }
)
export type ParticipantPatchQuery = Static<typeof participantPatchQuerySchema>
export const participantPatchQueryValidator = getValidator(participantPatchQuerySchema, queryValidator)
