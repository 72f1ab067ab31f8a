import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../../../validators'
import type { Paginated } from '@feathersjs/feathers'
import { Id, NamedRef, Nullable, Timestamp, documented } from '../../../../schema-types'
import { bookingStatuses, disputeStatuses } from '../../../../context-statuses'

export const contextTypes = ['booking', 'dispute'] as const
export const ContextType = Type.Union(
  contextTypes.map((type) => Type.Literal(type)),
  { description: 'What the channel is about: a booking or a dispute', examples: ['booking'] }
)
export type ContextType = (typeof contextTypes)[number]

export const channelSchema = Type.Object(
  {
    id: documented(Id, 'The channel’s id', [7]),
    context_type: ContextType,
    context_id: documented(Id, 'The booking’s or dispute’s id', [42]),
    status: Type.Union([Type.Literal('active'), Type.Literal('frozen')], {
      description: '`frozen` once its context is over (completed, cancelled, resolved, closed): read-only',
      examples: ['active']
    }),
    created_at: documented(Timestamp, 'When it was opened'),
    last_message_at: documented(Nullable(Timestamp), 'When its last message was sent (null: none yet)'),
    last_seq: Type.Integer({ minimum: 0, description: 'The seq of its last message (0: none yet)' })
  },
  { $id: 'Channel', additionalProperties: false, description: 'The one chat of a booking or dispute' }
)
export type Channel = Static<typeof channelSchema>

/** The context a channel is about, as a chat list shows it: its companies and status. */
export const contextSummarySchema = Type.Object(
  {
    borrower: NamedRef({ description: 'The borrowing company' }),
    lender: NamedRef({ description: 'The lending company' }),
    status: Type.Union(
      [...bookingStatuses, ...disputeStatuses].map((status) => Type.Literal(status)),
      { description: 'The booking’s or dispute’s status' }
    )
  },
  { $id: 'ContextSummary', additionalProperties: false, description: 'Its context, as a chat list shows it' }
)
export type ContextSummary = Static<typeof contextSummarySchema>

/** A preview of a channel's last message; a deleted one shows only that it was there. */
export const lastMessageSchema = Type.Union(
  [
    Type.Object(
      {
        id: documented(Id, 'The message’s id'),
        seq: Type.Integer({ minimum: 1, description: 'Its place in the channel' }),
        sender: NamedRef({ description: 'Who sent it' }),
        content: Type.String({ description: 'Its text' }),
        created_at: documented(Timestamp, 'When it was sent')
      },
      { additionalProperties: false, description: 'A message' }
    ),
    Type.Object(
      {
        id: documented(Id, 'The message’s id'),
        seq: Type.Integer({ minimum: 1, description: 'Its place in the channel' }),
        is_deleted: Type.Literal(true, { description: 'It was deleted: its words are not shown' }),
        deleted_at: documented(Timestamp, 'When it was deleted')
      },
      { additionalProperties: false, description: 'A deleted message' }
    )
  ],
  { $id: 'LastMessage', description: 'A preview of the channel’s last message' }
)
export type LastMessage = Static<typeof lastMessageSchema>

/** A channel as one caller sees it: named, summarised, with their own read position. */
export const channelViewSchema = Type.Object(
  {
    ...channelSchema.properties,
    title: Type.String({ description: 'Its name: "Booking #42 · Northwind Retail ↔ Harbour Staffing"' }),
    summary: documented(Nullable(contextSummarySchema), 'Its context’s companies and status (null: unknown)'),
    participant_id: documented(Nullable(Id), 'The caller’s own participant row (null: not a participant)'),
    unread_count: Type.Integer({
      minimum: 0,
      description: 'Messages after the caller’s read position, not their own, not deleted'
    }),
    last_read_at: documented(Nullable(Timestamp), 'When the caller last read it'),
    last_read_seq: Type.Integer({ minimum: 0, description: 'The caller’s read position (a seq)' }),
    last_message: documented(Nullable(lastMessageSchema), 'Its last message (null: none yet)')
  },
  {
    $id: 'ChannelView',
    additionalProperties: false,
    description: 'A channel as the caller sees it: named, summarised, with their read position'
  }
)
export type ChannelView = Static<typeof channelViewSchema>

/** `find`'s page, with the caller's unread messages across every matching channel (for a badge). */
export type ChannelPage = Paginated<ChannelView> & { total_unread: number }

export const channelDataSchema = Type.Object(
  { context_type: ContextType, context_id: channelSchema.properties.context_id },
  {
    $id: 'ChannelData',
    additionalProperties: false,
    description: 'The context whose channel to open; its existing channel is returned if there is one',
    examples: [{ context_type: 'booking', context_id: 42 }]
  }
)
export type ChannelData = Static<typeof channelDataSchema>
export const channelDataValidator = getValidator(channelDataSchema, dataValidator)

const sortOrder = Type.Union([Type.Literal(1), Type.Literal(-1)], {
  description: 'Order by this field: 1 ascending, -1 descending'
})

export const channelQuerySchema = Type.Object(
  {
    context_type: Type.Optional(ContextType),
    context_id: Type.Optional(channelSchema.properties.context_id),
    status: Type.Optional(channelSchema.properties.status),
    $limit: Type.Optional(Type.Integer({ minimum: 0, description: 'Page size' })),
    $skip: Type.Optional(Type.Integer({ minimum: 0, description: 'Rows to skip' })),
    $sort: Type.Optional(
      Type.Object(
        {
          last_message_at: Type.Optional(sortOrder),
          created_at: Type.Optional(sortOrder),
          id: Type.Optional(sortOrder)
        },
        {
          additionalProperties: false,
          minProperties: 1,
          maxProperties: 1,
          description: 'One field to order by (default: last_message_at descending)'
        }
      )
    )
  },
  { $id: 'ChannelQuery', additionalProperties: false }
)
export type ChannelQuery = Static<typeof channelQuerySchema>
export const channelQueryValidator = getValidator(channelQuerySchema, queryValidator)
