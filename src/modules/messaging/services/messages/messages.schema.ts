import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../../declarations'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, Nullable, Timestamp } from '../../../../schema-types'
import { isAdmin } from '../../../../hooks/require-admin'
import { ContextType } from '../channels/channels.schema'

export const MAX_CONTENT_LENGTH = 4000
// Raw input may carry markup that sanitizing removes; beyond this it is refused unread
export const MAX_RAW_CONTENT_LENGTH = 20000

/** Who sent a message, as the people in its channel see them. */
export const senderSchema = Type.Object({ id: Id, name: Type.String() }, { $id: 'Sender', additionalProperties: false })
export type Sender = Static<typeof senderSchema>

export const messageSchema = Type.Object(
  {
    id: Id,
    channel_id: Id,
    seq: Type.Integer({ minimum: 1 }),
    sender_id: Id,
    sender: senderSchema,
    content: Type.Optional(Type.String()),
    client_id: Nullable(Type.String({ maxLength: 64 })),
    created_at: Timestamp,
    is_deleted: Type.Boolean(),
    deleted_at: Nullable(Timestamp)
  },
  { $id: 'Message', additionalProperties: false }
)
export type Message = Static<typeof messageSchema>

/** A deleted message's words stay as evidence for admins and leave every other view. */
export const messageExternalResolver = resolve<Message, HookContext>({
  content: async (value, message, context) => (message.is_deleted && !isAdmin(context.params) ? undefined : value)
})

export const messageDataSchema = Type.Object(
  {
    channel_id: Type.Optional(Id),
    context_type: Type.Optional(ContextType),
    context_id: Type.Optional(Id),
    content: Type.String({ maxLength: MAX_RAW_CONTENT_LENGTH }),
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 }))
  },
  { $id: 'MessageData', additionalProperties: false }
)
export type MessageData = Static<typeof messageDataSchema>
export const messageDataValidator = getValidator(messageDataSchema, dataValidator)

const seqRange = Type.Object(
  {
    $lt: Type.Optional(Type.Integer({ minimum: 0 })),
    $lte: Type.Optional(Type.Integer({ minimum: 0 })),
    $gt: Type.Optional(Type.Integer({ minimum: 0 })),
    $gte: Type.Optional(Type.Integer({ minimum: 0 }))
  },
  { additionalProperties: false }
)

export const messageQuerySchema = Type.Object(
  {
    channel_id: Id,
    seq: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), seqRange])),
    sender_id: Type.Optional(Type.Union([Id, Type.Object({ $ne: Id }, { additionalProperties: false })])),
    $withDeleted: Type.Optional(Type.Boolean()),
    $limit: Type.Optional(Type.Integer({ minimum: 0 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 })),
    $sort: Type.Optional(
      Type.Object({ seq: Type.Union([Type.Literal(1), Type.Literal(-1)]) }, { additionalProperties: false })
    )
  },
  { $id: 'MessageQuery', additionalProperties: false }
)
export type MessageQuery = Static<typeof messageQuerySchema>
export const messageQueryValidator = getValidator(messageQuerySchema, queryValidator)
