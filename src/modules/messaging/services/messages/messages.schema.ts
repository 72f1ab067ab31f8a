import { resolve } from '@feathersjs/schema'
import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../../declarations'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, NamedRef, Nullable, Timestamp } from '../../../../schema-types'
import { maySeeRecord } from '../../access/channel-access'
import { ContextType } from '../channels/channels.schema'
import { searchQueryProperties, searchSortProperties } from './search.schema'

export const MAX_CONTENT_LENGTH = 4000
// Raw input may carry markup that sanitizing removes; beyond this it is refused unread
export const MAX_RAW_CONTENT_LENGTH = 20000

/** Who sent a message, as the people in its channel see them. */
export const senderSchema = NamedRef({ $id: 'Sender' })
export type Sender = Static<typeof senderSchema>

export const messageSchema = Type.Object(
  {
    id: Id,
    channel_id: Id,
    seq: Type.Integer({ minimum: 1 }),
    sender_id: Id,
    sender: senderSchema,
    content: Type.Optional(Type.String()),
    client_id: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    created_at: Timestamp,
    is_deleted: Type.Boolean(),
    deleted_at: Nullable(Timestamp),
    /** who deleted it (null: an internal call, or a deletion from before deleters were kept); admins only */
    deleted_by: Type.Optional(Nullable(Id)),
    /** its link in the channel's hash chain (see README, Evidence); admins only */
    hash: Type.Optional(Nullable(Type.String())),
    /** in `$search` results: HTML-escaped words around the matches, each match in `<mark>` */
    snippet: Type.Optional(Type.String())
  },
  { $id: 'Message', additionalProperties: false }
)
export type Message = Static<typeof messageSchema>

// The table's columns a message reads: not its search vector, which is for the index alone
export const MESSAGE_COLUMNS = Object.keys(messageSchema.properties).filter(
  (name) => name !== 'sender' && name !== 'snippet'
)

/** What a deleted message leaves in views without its words: its place in the history. */
export const tombstoneOf = ({
  content: _content,
  client_id: _clientId,
  deleted_by: _deletedBy,
  hash: _hash,
  ...tombstone
}: Message): Message => tombstone

/**
 * A deleted message's words stay as evidence for admins: in `get`, `remove` and
 * `find` with `$withDeleted`. Everyone else, and an admin's plain history, gets its
 * tombstone.
 */
const showsDeletedWords = (context: HookContext) =>
  maySeeRecord(context.params) && (context.method !== 'find' || context.params.query?.$withDeleted === true)

const unlessDeleted = async <T>(value: T, message: Message, context: HookContext) =>
  message.is_deleted && !showsDeletedWords(context) ? undefined : value

/**
 * Links of the chain stay with admins: with the next entry's hash, anyone could test
 * guesses of a deleted message's words (a short "yes" is soon found). A send's result
 * is also the event every participant gets, so only reads carry them.
 */
const forAdmins = async <T>(value: T, message: Message, context: HookContext) =>
  maySeeRecord(context.params) && context.method !== 'create'
    ? unlessDeleted(value, message, context)
    : undefined

export const messageExternalResolver = resolve<Message, HookContext>({
  content: unlessDeleted,
  client_id: unlessDeleted,
  snippet: unlessDeleted,
  hash: forAdmins,
  deleted_by: async (value, message, context) =>
    message.is_deleted ? forAdmins(value, message, context) : undefined
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

export const seqRange = Type.Object(
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
    // Required unless `$search` reads across channels (the service says so)
    channel_id: Type.Optional(Id),
    seq: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), seqRange])),
    sender_id: Type.Optional(Type.Union([Id, Type.Object({ $ne: Id }, { additionalProperties: false })])),
    is_deleted: Type.Optional(Type.Boolean()),
    $withDeleted: Type.Optional(Type.Boolean()),
    $limit: Type.Optional(Type.Integer({ minimum: 0 })),
    $skip: Type.Optional(Type.Integer({ minimum: 0 })),
    $sort: Type.Optional(
      Type.Object(
        { seq: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(-1)])), ...searchSortProperties },
        { additionalProperties: false }
      )
    ),
    ...searchQueryProperties
  },
  { $id: 'MessageQuery', additionalProperties: false }
)
export type MessageQuery = Static<typeof messageQuerySchema>
export const messageQueryValidator = getValidator(messageQuerySchema, queryValidator)
