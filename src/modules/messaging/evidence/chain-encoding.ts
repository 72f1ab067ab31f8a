import crypto from 'crypto'

/**
 * The channel hash chain's bytes, recomputed outside the database: the same canonical
 * encoding as the SQL functions of the chain's migrations (chat_message_encoding,
 * chat_event_encoding, chat_chain_link; the `_v2` encodings of the names' migration),
 * and the order of its entries. Kept free of the
 * app, as is `chain.ts`, so that the offline verifier needs nothing but these and node.
 */

/** A message as the chain knows it; times are the canonical text (UTC, microseconds). */
export interface ChainMessage {
  id: number
  channel_id: number
  seq: number
  sender_id: number
  /** the sender's name when they sent it (format 2; null in format 1) */
  sender_name?: string | null
  chain_format?: number
  content: string
  client_id: string | null
  created_at: string
  is_deleted: boolean
  deleted_at: string | null
  deleted_by: number | null
  hash: string | null
}

export interface ChainEvent {
  id: number
  channel_id: number
  event_seq: number
  after_seq: number
  kind: string
  actor_id: number | null
  user_id: number | null
  /** the actor's and the subject's names when it happened (format 2; null in format 1) */
  actor_name?: string | null
  user_name?: string | null
  chain_format?: number
  message_id: number | null
  detail: string | null
  created_at: string
  hash: string
}

/** A membership interval: the chain's joining and leaving events must say the same. */
export interface ChainParticipant {
  id: number
  user_id: number
  role: string
  joined_at: string
  removed_at: string | null
}

export interface ChainRecord {
  channel: { id: number; last_seq: number; last_event_seq: number; chain_head: string | null }
  messages: ChainMessage[]
  events: ChainEvent[]
  participants?: ChainParticipant[]
}

const NULL_FIELD = Buffer.from([0xff, 0xff, 0xff, 0xff])
const GENESIS = Buffer.alloc(32)

/** Each field as its UTF-8 bytes after their length (4 bytes, big-endian); null as ff ff ff ff. */
export function encodeFields(fields: Array<string | number | null>): Buffer {
  return Buffer.concat(
    fields.flatMap((field) => {
      if (field === null) return [NULL_FIELD]
      const bytes = Buffer.from(String(field), 'utf8')
      const length = Buffer.alloc(4)
      length.writeUInt32BE(bytes.length)
      return [length, bytes]
    })
  )
}

/**
 * How an entry is encoded: 1 for entries chained before names were kept (no names), 2
 * since (the sender's, actor's and subject's names as they were, hashed with the entry).
 * A record without the field (an export of format context-chat-transcript/1) is all 1.
 */
export const formatOf = (entry: { chain_format?: number }) => entry.chain_format ?? 1

/** The entry's bytes in its format; undefined for a format this code does not know. */
export function messageEncoding(m: ChainMessage): Buffer | undefined {
  const format = formatOf(m)
  if (format === 1)
    return encodeFields(['message', m.channel_id, m.seq, m.sender_id, m.content, m.client_id, m.created_at])
  if (format === 2)
    return encodeFields([
      'message/2',
      m.channel_id,
      m.seq,
      m.sender_id,
      m.sender_name ?? null,
      m.content,
      m.client_id,
      m.created_at
    ])
  return undefined
}

export function eventEncoding(e: ChainEvent): Buffer | undefined {
  const format = formatOf(e)
  if (format === 1)
    return encodeFields([
      'event',
      e.channel_id,
      e.event_seq,
      e.after_seq,
      e.kind,
      e.actor_id,
      e.user_id,
      e.message_id,
      e.detail,
      e.created_at
    ])
  if (format === 2)
    return encodeFields([
      'event/2',
      e.channel_id,
      e.event_seq,
      e.after_seq,
      e.kind,
      e.actor_id,
      e.actor_name ?? null,
      e.user_id,
      e.user_name ?? null,
      e.message_id,
      e.detail,
      e.created_at
    ])
  return undefined
}

/** SHA-256 of the previous hash's 32 bytes (zeros for the first entry) and the encoding, as hex. */
export const link = (previous: string | null, encoding: Buffer) =>
  crypto
    .createHash('sha256')
    .update(previous === null ? GENESIS : Buffer.from(previous, 'hex'))
    .update(encoding)
    .digest('hex')

export type ChainEntry<M extends ChainMessage = ChainMessage, E extends ChainEvent = ChainEvent> =
  { type: 'message'; message: M } | { type: 'event'; event: E }

/** Messages by seq, each followed by the events written after it (after_seq), by event_seq. */
export function inChainOrder<M extends ChainMessage, E extends ChainEvent>(
  messages: M[],
  events: E[]
): ChainEntry<M, E>[] {
  const sortedEvents = [...events].sort((a, b) => a.after_seq - b.after_seq || a.event_seq - b.event_seq)
  const entries: ChainEntry<M, E>[] = []
  let next = 0
  const eventsUpTo = (seq: number) => {
    for (; next < sortedEvents.length && sortedEvents[next].after_seq <= seq; next++) {
      entries.push({ type: 'event', event: sortedEvents[next] })
    }
  }
  eventsUpTo(0)
  for (const message of [...messages].sort((a, b) => a.seq - b.seq)) {
    entries.push({ type: 'message', message })
    eventsUpTo(message.seq)
  }
  eventsUpTo(Infinity)
  return entries
}
