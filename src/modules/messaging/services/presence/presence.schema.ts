import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, Nullable, Timestamp, documented } from '../../../../schema-types'

export const presenceSchema = Type.Object(
  {
    user_id: documented(Id, 'The person', [12]),
    online: Type.Boolean({ description: 'Whether they have a live connection on any instance' }),
    last_seen_at: documented(Nullable(Timestamp), 'When they were last online (null: never seen)')
  },
  { $id: 'Presence', additionalProperties: false, description: 'Whether someone is online' }
)
export type Presence = Static<typeof presenceSchema>

export const presenceQuerySchema = Type.Object(
  {
    user_id: Type.Union(
      [
        documented(Id, 'One person', [12]),
        Type.Object(
          {
            $in: Type.Array(Id, {
              maxItems: 100,
              description: 'Up to 100 people: `user_id[$in][]=12&user_id[$in][]=13`'
            })
          },
          { additionalProperties: false, description: 'Several people' }
        )
      ],
      { description: 'Whose presence: people one shares a channel with (others are left out)' }
    )
  },
  { $id: 'PresenceQuery', additionalProperties: false }
)
export type PresenceQuery = Static<typeof presenceQuerySchema>
export const presenceQueryValidator = getValidator(presenceQuerySchema, queryValidator)

export const channelRefSchema = Type.Object(
  { channel_id: Id },
  { $id: 'ChannelRef', additionalProperties: false }
)
export type ChannelRef = Static<typeof channelRefSchema>
export const channelRefValidator = getValidator(channelRefSchema, dataValidator)

export const typingSchema = Type.Object(
  { channel_id: Id, typing: Type.Boolean() },
  { $id: 'Typing', additionalProperties: false }
)
export type Typing = Static<typeof typingSchema>
export const typingValidator = getValidator(typingSchema, dataValidator)

/** The `presence typing` event a channel's viewers receive. */
export type TypingEvent = Typing & { user_id: number }
