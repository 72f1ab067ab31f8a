import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, Nullable, Timestamp } from '../../../../schema-types'

export const presenceSchema = Type.Object(
  {
    user_id: Id,
    online: Type.Boolean(),
    last_seen_at: Nullable(Timestamp)
  },
  { $id: 'Presence', additionalProperties: false }
)
export type Presence = Static<typeof presenceSchema>

export const presenceQuerySchema = Type.Object(
  {
    user_id: Type.Union([
      Id,
      Type.Object({ $in: Type.Array(Id, { maxItems: 100 }) }, { additionalProperties: false })
    ])
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
