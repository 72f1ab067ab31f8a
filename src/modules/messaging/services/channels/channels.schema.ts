import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, Nullable, Timestamp } from '../../../../schema-types'

export const contextTypes = ['booking', 'dispute'] as const
export const ContextType = Type.Union(contextTypes.map((type) => Type.Literal(type)))
export type ContextType = (typeof contextTypes)[number]

export const channelSchema = Type.Object(
  {
    id: Id,
    context_type: ContextType,
    context_id: Id,
    status: Type.Union([Type.Literal('active'), Type.Literal('frozen')]),
    created_at: Timestamp,
    last_message_at: Nullable(Timestamp),
    last_seq: Type.Integer({ minimum: 0 })
  },
  { $id: 'Channel', additionalProperties: false }
)
export type Channel = Static<typeof channelSchema>

/** A channel as one caller sees it: with their own read position. */
export const channelViewSchema = Type.Object(
  {
    ...channelSchema.properties,
    unread_count: Type.Integer({ minimum: 0 }),
    last_read_at: Nullable(Timestamp),
    last_read_seq: Type.Integer({ minimum: 0 })
  },
  { $id: 'ChannelView', additionalProperties: false }
)
export type ChannelView = Static<typeof channelViewSchema>

export const channelDataSchema = Type.Object(
  { context_type: ContextType, context_id: Id },
  { $id: 'ChannelData', additionalProperties: false }
)
export type ChannelData = Static<typeof channelDataSchema>
export const channelDataValidator = getValidator(channelDataSchema, dataValidator)

const sortOrder = Type.Union([Type.Literal(1), Type.Literal(-1)])

export const channelQuerySchema = Type.Object(
  {
    context_type: Type.Optional(ContextType),
    context_id: Type.Optional(Id),
    status: Type.Optional(channelSchema.properties.status),
    $limit: Type.Optional(Type.Integer({ minimum: 0 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 })),
    $sort: Type.Optional(
      Type.Object(
        { last_message_at: Type.Optional(sortOrder), created_at: Type.Optional(sortOrder), id: Type.Optional(sortOrder) },
        { additionalProperties: false, minProperties: 1, maxProperties: 1 }
      )
    )
  },
  { $id: 'ChannelQuery', additionalProperties: false }
)
export type ChannelQuery = Static<typeof channelQuerySchema>
export const channelQueryValidator = getValidator(channelQuerySchema, queryValidator)
