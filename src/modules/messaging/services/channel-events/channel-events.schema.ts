import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../../../validators'
import { Id, NamedRef, Nullable, Timestamp, documented } from '../../../../schema-types'
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
    id: documented(Id, 'The event’s id', [61]),
    channel_id: documented(Id, 'Its channel', [7]),
    event_seq: Type.Integer({ minimum: 1, description: 'Its place among the channel’s events: 1, 2, 3…' }),
    after_seq: Type.Integer({
      minimum: 0,
      description: 'The seq of the message it followed (0: before the first)',
      examples: [0]
    }),
    kind: Type.Union(
      channelEventKinds.map((kind) => Type.Literal(kind)),
      { description: 'What happened', examples: ['participant.joined'] }
    ),
    /** who did it: the deleter of a message, who patched the booking or dispute; null for the system */
    actor: documented(Nullable(NamedRef()), 'Who did it, under their name now (null: the system)'),
    /** the actor's name when it happened, as the chain keeps it: a later rename does not change it */
    actor_name: documented(
      Nullable(Type.String()),
      'The actor’s name when it happened, kept in the chain (null: the system, or an event from before names were kept)'
    ),
    /** whom it is about: the person joining or leaving, the sender of a deleted message */
    user: documented(
      Nullable(NamedRef()),
      'Whom it is about, under their name now: who joined or left, whose message was deleted'
    ),
    user_name: documented(
      Nullable(Type.String()),
      'Their name when it happened, kept in the chain (null: nobody, or an event from before names were kept)'
    ),
    message_id: documented(Nullable(Id), 'The deleted message, for `message.deleted`'),
    /** the role (participants), or the booking's or dispute's status (freezing, reopening) */
    detail: documented(Nullable(Type.String()), 'The role (participants) or the context’s status (freezing)'),
    created_at: documented(Timestamp, 'When it happened'),
    /** the system line: "Ben joined as worker", "Channel frozen: booking completed"; names as kept */
    text: Type.String({
      description:
        'The system line: "Ben Okafor joined as supervisor", naming people as they were called when it happened'
    })
  },
  {
    $id: 'ChannelEvent',
    additionalProperties: false,
    description: 'Something that happened in a channel besides messages, placed after message `after_seq`'
  }
)
export type ChannelEvent = Static<typeof channelEventSchema>

export const channelEventQuerySchema = Type.Object(
  {
    channel_id: documented(Id, 'The channel (required)', [7]),
    after_seq: Type.Optional(
      Type.Union([channelEventSchema.properties.after_seq, seqRange], {
        description: 'Events after one message, or in a range of message seq'
      })
    ),
    kind: Type.Optional(channelEventSchema.properties.kind),
    $limit: Type.Optional(Type.Integer({ minimum: 0, description: 'Page size' })),
    $skip: Type.Optional(Type.Integer({ minimum: 0, description: 'Rows to skip' })),
    $sort: Type.Optional(
      Type.Object(
        {
          event_seq: Type.Union([Type.Literal(1), Type.Literal(-1)], {
            description: '1 oldest first, -1 newest first'
          })
        },
        { additionalProperties: false, description: 'The order' }
      )
    )
  },
  { $id: 'ChannelEventQuery', additionalProperties: false }
)
export type ChannelEventQuery = Static<typeof channelEventQuerySchema>
export const channelEventQueryValidator = getValidator(channelEventQuerySchema, queryValidator)
