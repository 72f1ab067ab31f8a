import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../../../validators'
import { Id, NamedRef, Nullable, Timestamp } from '../../../../schema-types'
import { seqRange } from '../messages/messages.schema'

export const channelEventKinds = [
  'participant.joined',
  'participant.left',
  'participant.role_changed',
  'message.deleted',
  'channel.frozen',
  'channel.reopened',
  // The channel's first entry, naming its context (`booking:42`); `bound` for a channel chained before that
  'channel.opened',
  'channel.bound'
] as const

/**
 * What happened in a channel besides messages, as its history shows it in a system
 * line: immutable and chained with the messages. `after_seq` is the message it
 * followed (0: before the first), so a client places it between messages.
 */
export const channelEventSchema = Type.Object(
  {
    id: Id,
    channel_id: Id,
    event_seq: Type.Integer({ minimum: 1 }),
    after_seq: Type.Integer({ minimum: 0 }),
    kind: Type.Union(channelEventKinds.map((kind) => Type.Literal(kind))),
    /** who did it: the deleter of a message, who patched the booking or dispute; null for the system */
    actor: Nullable(NamedRef()),
    /** whom it is about: the person joining or leaving, the sender of a deleted message */
    user: Nullable(NamedRef()),
    message_id: Nullable(Id),
    /** the role (participants), or the booking's or dispute's status (freezing, reopening) */
    detail: Nullable(Type.String()),
    created_at: Timestamp,
    /** the system line: "Ben joined as worker", "Channel frozen: booking completed" */
    text: Type.String()
  },
  { $id: 'ChannelEvent', additionalProperties: false }
)
export type ChannelEvent = Static<typeof channelEventSchema>

export const channelEventQuerySchema = Type.Object(
  {
    channel_id: Id,
    after_seq: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), seqRange])),
    kind: Type.Optional(channelEventSchema.properties.kind),
    $limit: Type.Optional(Type.Integer({ minimum: 0 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 })),
    $sort: Type.Optional(
      Type.Object(
        { event_seq: Type.Union([Type.Literal(1), Type.Literal(-1)]) },
        { additionalProperties: false }
      )
    )
  },
  { $id: 'ChannelEventQuery', additionalProperties: false }
)
export type ChannelEventQuery = Static<typeof channelEventQuerySchema>
export const channelEventQueryValidator = getValidator(channelEventQuerySchema, queryValidator)
