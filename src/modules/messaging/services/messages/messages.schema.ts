import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../../declarations'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, NamedRef, Nullable, Timestamp, documented } from '../../../../schema-types'
import { maySeeHiddenDetails, maySeeRecord } from '../../access/channel-access'
import { ContextType } from '../channels/channels.schema'
import { searchQueryProperties, searchSortProperties } from './search.schema'

export const MAX_CONTENT_LENGTH = 4000
// Raw input may carry markup that sanitizing removes; beyond this it is refused unread
export const MAX_RAW_CONTENT_LENGTH = 20000

/** Who sent a message, as the people in its channel see them. */
export const senderSchema = NamedRef({ $id: 'Sender', description: 'Who sent it' })
export type Sender = Static<typeof senderSchema>

export const messageSchema = Type.Object(
  {
    id: documented(Id, 'The message’s id', [1001]),
    channel_id: documented(Id, 'Its channel', [7]),
    seq: Type.Integer({
      minimum: 1,
      description: 'Its place in the channel: 1, 2, 3… without gaps, in commit order',
      examples: [1]
    }),
    sender_id: documented(Id, 'Who sent it', [11]),
    sender: senderSchema,
    content: Type.Optional(
      Type.String({ description: 'Its sanitized text; absent once deleted (admins: kept)' })
    ),
    client_id: Type.Optional(
      documented(Nullable(Type.String({ maxLength: 64 })), 'The sender’s idempotency key, if it gave one')
    ),
    created_at: documented(Timestamp, 'When it was sent'),
    is_deleted: Type.Boolean({ description: 'Deleted: a tombstone that keeps its place', examples: [false] }),
    deleted_at: documented(Nullable(Timestamp), 'When it was deleted (null: it was not)'),
    /** who deleted it (null: an internal call, or a deletion from before deleters were kept); admins only */
    deleted_by: Type.Optional(documented(Nullable(Id), 'Who deleted it; admins only')),
    /** its link in the channel's hash chain (see README, Evidence); admins only */
    hash: Type.Optional(
      documented(Nullable(Type.String()), 'Its link in the channel’s hash chain (hex SHA-256); admins only')
    ),
    /** internal: the text participants see when the contact-details guard masks the channel; never sent */
    masked_content: Type.Optional(
      Type.String({ description: 'Internal to the server: never part of an answer or an event' })
    ),
    /** in `$search` results: HTML-escaped words around the matches, each match in `<mark>` */
    snippet: Type.Optional(
      Type.String({
        description: 'In `$search` results: HTML-escaped words around the matches, each match in `<mark>`'
      })
    )
  },
  { $id: 'Message', additionalProperties: false, description: 'A message, or the tombstone of a deleted one' }
)
export type Message = Static<typeof messageSchema>

// The table's columns a message reads: not its search vector, which is for the index alone,
// nor what the service adds to a read (the sender, a search snippet, the guard's masked copy)
export const MESSAGE_COLUMNS = Object.keys(messageSchema.properties).filter(
  (name) => name !== 'sender' && name !== 'snippet' && name !== 'masked_content'
)

/** What a deleted message leaves in views without its words: its place in the history. */
export const tombstoneOf = ({
  content: _content,
  client_id: _clientId,
  deleted_by: _deletedBy,
  hash: _hash,
  masked_content: _maskedContent,
  ...tombstone
}: Message): Message => tombstone

/**
 * A deleted message's words stay as evidence for admins: in `get`, `remove` and
 * `find` with `$withDeleted`. Everyone else, and an admin's plain history, gets its
 * tombstone.
 */
const showsDeletedWords = (context: HookContext) =>
  maySeeRecord(context.params) && (context.method !== 'find' || context.params.query?.$withDeleted === true)

/**
 * A message as the caller is shown it, in one synchronous pass: a per-property resolver
 * made a promise for each of a message's fields, on every message sent and every row of a
 * page, and cost more CPU than the rest of a send's own hooks together. Fields left
 * undefined are left out, as a resolver leaves them.
 * - A deleted message's words (`content`, `client_id`, `snippet`) stay as evidence for
 *   admins: in `get`, `remove` and `find` with `$withDeleted`; everyone else, and an
 *   admin's plain history, gets its tombstone.
 * - Links of the chain (`hash`, and a deletion's `deleted_by`) stay with admins: with the
 *   next entry's hash, anyone could test guesses of a deleted message's words (a short
 *   "yes" is soon found). A send's result is also the event every participant gets, so
 *   only reads carry them.
 * - Masked contact details (see the contact guard) read as masked, except by admins; the
 *   masked copy itself is never shown as a field of its own.
 */
export function shownExternally(message: Message, context: HookContext): Message {
  const { content, masked_content, client_id, snippet, hash, deleted_by, ...rest } = message
  const wordsHidden = message.is_deleted && !showsDeletedWords(context)
  const chainShown = maySeeRecord(context.params) && context.method !== 'create' && !wordsHidden
  const shown: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) shown[key] = value
  if (!wordsHidden) {
    const words =
      masked_content !== undefined && !maySeeHiddenDetails(context.params) ? masked_content : content
    if (words !== undefined) shown.content = words
    if (client_id !== undefined) shown.client_id = client_id
    if (snippet !== undefined) shown.snippet = snippet
  }
  if (chainShown) {
    if (hash !== undefined) shown.hash = hash
    if (message.is_deleted && deleted_by !== undefined) shown.deleted_by = deleted_by
  }
  return shown as Message
}

export const messageDataSchema = Type.Object(
  {
    channel_id: Type.Optional(documented(Id, 'The channel to send to', [7])),
    context_type: Type.Optional(ContextType),
    context_id: Type.Optional(
      documented(Id, 'The booking or dispute to send to: its channel opens on the first message', [42])
    ),
    content: Type.String({
      maxLength: MAX_RAW_CONTENT_LENGTH,
      description: `The text. Sanitized on arrival: HTML tags removed (a script or style element with its body), control characters other than newline and tab removed, NFC-normalised, trimmed; plain text such as \`a < b\` is kept. Then it must have 1 to ${MAX_CONTENT_LENGTH} characters; raw input over ${MAX_RAW_CONTENT_LENGTH} characters is refused unread.`,
      examples: ['I’m at the gate, running ten minutes late']
    }),
    client_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'An idempotency key of the sender’s choosing (1 to 64 characters): sent again, the first message comes back',
        examples: ['b7e3c1d2-5a4f-4e0b-9c8d-1f2a3b4c5d6e']
      })
    )
  },
  {
    $id: 'MessageData',
    additionalProperties: false,
    description:
      'A message for a channel named by `channel_id`, or by `context_type` and `context_id`: one or the other, not both',
    examples: [
      {
        channel_id: 7,
        content: 'I’m at the gate, running ten minutes late',
        client_id: 'b7e3c1d2-5a4f-4e0b-9c8d-1f2a3b4c5d6e'
      },
      { context_type: 'booking', context_id: 42, content: 'Parking is behind building B' }
    ]
  }
)
export type MessageData = Static<typeof messageDataSchema>
export const messageDataValidator = getValidator(messageDataSchema, dataValidator)

export const seqRange = Type.Object(
  {
    $lt: Type.Optional(Type.Integer({ minimum: 0, description: 'Before this seq (older history)' })),
    $lte: Type.Optional(Type.Integer({ minimum: 0, description: 'At or before this seq' })),
    $gt: Type.Optional(Type.Integer({ minimum: 0, description: 'After this seq (catching up)' })),
    $gte: Type.Optional(Type.Integer({ minimum: 0, description: 'At or after this seq' }))
  },
  { additionalProperties: false, description: 'A range of seq' }
)

export const messageQuerySchema = Type.Object(
  {
    // Required unless `$search` reads across channels (the service says so)
    channel_id: Type.Optional(
      documented(Id, 'The channel: required, except for a `$search` across every channel one may read', [7])
    ),
    seq: Type.Optional(
      Type.Union([messageSchema.properties.seq, seqRange], {
        description:
          'One seq, or a range: `seq[$lt]=n` pages back, `seq[$gt]=n` with `$sort[seq]=1` catches up'
      })
    ),
    sender_id: Type.Optional(
      Type.Union(
        [
          documented(Id, 'This sender only', [11]),
          Type.Object(
            { $ne: documented(Id, 'Everyone but this sender') },
            { additionalProperties: false, description: 'Everyone but one sender' }
          )
        ],
        { description: 'By sender, or everyone but one' }
      )
    ),
    is_deleted: Type.Optional(
      Type.Boolean({ description: 'Only deleted (true) or only kept (false) messages' })
    ),
    $withDeleted: Type.Optional(
      Type.Boolean({ description: 'Admins: deleted messages with their words instead of tombstones' })
    ),
    $limit: Type.Optional(Type.Integer({ minimum: 0, description: 'Page size' })),
    $skip: Type.Optional(Type.Integer({ minimum: 0, description: 'Rows to skip' })),
    $sort: Type.Optional(
      Type.Object(
        {
          seq: Type.Optional(
            Type.Union([Type.Literal(1), Type.Literal(-1)], {
              description: '1 oldest first, -1 newest first (default)'
            })
          ),
          ...searchSortProperties
        },
        { additionalProperties: false, description: 'The order', examples: [{ relevance: -1 }] }
      )
    ),
    ...searchQueryProperties
  },
  { $id: 'MessageQuery', additionalProperties: false }
)
export type MessageQuery = Static<typeof messageQuerySchema>
export const messageQueryValidator = getValidator(messageQuerySchema, queryValidator)
