import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../../../validators'
import type { Paginated } from '@feathersjs/feathers'
import { Id, NamedRef, Nullable, Timestamp } from '../../../../schema-types'
import { bookingStatuses, disputeStatuses } from '../../../../context-statuses'

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

/** The context a channel is about, as a chat list shows it: its companies and status. */
export const contextSummarySchema = Type.Object(
  {
    borrower: NamedRef(),
    lender: NamedRef(),
    status: Type.Union([...bookingStatuses, ...disputeStatuses].map((status) => Type.Literal(status)))
  },
  { $id: 'ContextSummary', additionalProperties: false }
)
export type ContextSummary = Static<typeof contextSummarySchema>

/** A preview of a channel's last message; a deleted one shows only that it was there. */
export const lastMessageSchema = Type.Union(
  [
    Type.Object(
      {
        id: Id,
        seq: Type.Integer({ minimum: 1 }),
        sender: NamedRef(),
        content: Type.String(),
        created_at: Timestamp
      },
      { additionalProperties: false }
    ),
    Type.Object(
      { id: Id, seq: Type.Integer({ minimum: 1 }), is_deleted: Type.Literal(true), deleted_at: Timestamp },
      { additionalProperties: false }
    )
  ],
  { $id: 'LastMessage' }
)
export type LastMessage = Static<typeof lastMessageSchema>

/** A channel as one caller sees it: named, summarised, with their own read position. */
export const channelViewSchema = Type.Object(
  {
    ...channelSchema.properties,
    title: Type.String(),
    summary: Nullable(contextSummarySchema),
    participant_id: Nullable(Id),
    unread_count: Type.Integer({ minimum: 0 }),
    last_read_at: Nullable(Timestamp),
    last_read_seq: Type.Integer({ minimum: 0 }),
    last_message: Nullable(lastMessageSchema)
  },
  { $id: 'ChannelView', additionalProperties: false }
)
export type ChannelView = Static<typeof channelViewSchema>

/** `find`'s page, with the caller's unread messages across every matching channel (for a badge). */
export type ChannelPage = Paginated<ChannelView> & { total_unread: number }

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
        {
          last_message_at: Type.Optional(sortOrder),
          created_at: Type.Optional(sortOrder),
          id: Type.Optional(sortOrder)
        },
        { additionalProperties: false, minProperties: 1, maxProperties: 1 }
      )
    )
  },
  { $id: 'ChannelQuery', additionalProperties: false }
)
export type ChannelQuery = Static<typeof channelQuerySchema>
export const channelQueryValidator = getValidator(channelQuerySchema, queryValidator)
