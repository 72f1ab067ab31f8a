import canonicalize from 'canonicalize'
import { inChainOrder } from './chain-encoding'
import type { ChainRecord } from './chain-encoding'
import { eventLabel, messageLabel } from './chain'
import type { ConsistencyCheck } from './consistency'
import type { TranscriptSignature } from './signature'

/**
 * A checkpoint: the head of one channel's chain at one state, signed by the service, so
 * that a party can keep it outside the operator's hands. Kept free of the app, as are the
 * chain's other files, so that the offline verifier needs nothing but these and node.
 */
export const CHECKPOINT_FORMAT = 'context-chat-checkpoint/1'

export const checkpointReasons = ['frozen', 'dispute', 'request', 'schedule'] as const
export type CheckpointReason = (typeof checkpointReasons)[number]

/** What is signed: which channel, at which state (`seq` messages, `event_seq` events), with which head, when. */
export interface CheckpointBody {
  format: typeof CHECKPOINT_FORMAT
  channel_id: number
  /** `booking:42`: the context the chain's first entry names */
  context: string
  seq: number
  event_seq: number
  head: string | null
  /** the database's clock when the state was read (UTC, microseconds, as the chain writes times) */
  time: string
  reason: CheckpointReason
}

/**
 * An RFC 3161 TimeStampToken over the checkpoint's bytes (see `timestampedBytes`): the
 * DER of the CMS ContentInfo the authority returned, base64; added after signing.
 */
export interface CheckpointTimestamp {
  token: string
}

export type CheckpointDocument = CheckpointBody & {
  signature: TranscriptSignature | null
  timestamp: CheckpointTimestamp | null
}

/** The bytes signed: the body by RFC 8785 (without `signature` and `timestamp`). */
export const checkpointSignedBytes = (document: CheckpointBody) => {
  const { signature: _s, timestamp: _t, ...body } = document as Partial<CheckpointDocument>
  return Buffer.from(canonicalize(body)!, 'utf8')
}

/**
 * The bytes a time-stamp authority is asked to stamp: the signed checkpoint (body and
 * signature) by RFC 8785, without `timestamp`. The token so proves that the signature
 * existed at the authority's time, whoever's clock the checkpoint's own `time` is.
 */
export const timestampedBytes = (document: CheckpointDocument | Omit<CheckpointDocument, 'timestamp'>) => {
  const { timestamp: _t, ...signed } = document as Partial<CheckpointDocument>
  return Buffer.from(canonicalize(signed)!, 'utf8')
}

const HASH = /^[0-9a-f]{64}$/
const COUNT = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0

/** Whether a parsed JSON value has a checkpoint's shape; the reason when not. */
export function checkpointShapeProblem(document: any): string | null {
  if (typeof document !== 'object' || document === null || document.format !== CHECKPOINT_FORMAT)
    return `not a context-chat checkpoint (format ${CHECKPOINT_FORMAT})`
  const known = [
    'format',
    'channel_id',
    'context',
    'seq',
    'event_seq',
    'head',
    'time',
    'reason',
    'signature',
    'timestamp'
  ]
  const unknown = Object.keys(document).filter((key) => !known.includes(key))
  if (unknown.length) return `unknown field ${unknown.join(', ')}`
  if (!Number.isSafeInteger(document.channel_id) || document.channel_id < 1) return 'channel_id is not an id'
  if (typeof document.context !== 'string' || !/^(booking|dispute):[1-9]\d*$/.test(document.context))
    return 'context is not type:id'
  if (!COUNT(document.seq) || !COUNT(document.event_seq)) return 'seq and event_seq must be counts'
  if (document.head !== null && !(typeof document.head === 'string' && HASH.test(document.head)))
    return 'head is neither null nor 64 hex digits'
  if ((document.head === null) !== (document.seq + document.event_seq === 0))
    return 'head is null exactly when the chain is empty'
  if (typeof document.time !== 'string') return 'time is not a time'
  if (!checkpointReasons.includes(document.reason))
    return 'reason is not one of ' + checkpointReasons.join(', ')
  if (document.timestamp !== null && typeof document.timestamp?.token !== 'string')
    return 'timestamp is neither null nor {"token": base64}'
  return null
}

type Channel = ChainRecord['channel'] & { context_type?: string; context_id?: number }

/**
 * Does `record` pass through the checkpoint's state? Its first seq + event_seq entries in
 * chain order must be messages 1..seq and events 1..event_seq, the last of them with the
 * checkpoint's head: equal hashes mean equal entries up to there, since each covers all
 * before it. A cut tail or a recomputed link parts from the head the party holds.
 */
export function checkExtendsCheckpoint(record: ChainRecord, checkpoint: CheckpointBody): ConsistencyCheck {
  const entries = inChainOrder(record.messages, record.events)
  const size = checkpoint.seq + checkpoint.event_seq
  const result = (problem: ConsistencyCheck['problem']): ConsistencyCheck => ({
    extends: problem === null,
    older_entries: size,
    newer_entries: entries.length,
    older_head: checkpoint.head,
    problem
  })
  const channel = record.channel as Channel
  const context = `${channel.context_type}:${channel.context_id}`
  if (channel.id !== checkpoint.channel_id || (channel.context_type && context !== checkpoint.context))
    return result({
      entry: `channel ${channel.id}`,
      reason: `is not the checkpoint's channel ${checkpoint.channel_id} (${checkpoint.context})`
    })
  if (entries.length < size)
    return result({
      entry: `checkpoint of channel ${checkpoint.channel_id}`,
      reason: `holds ${checkpoint.seq} messages and ${checkpoint.event_seq} events (head ${checkpoint.head}), but the newer record has ${entries.length} entries: its history was cut`
    })
  if (size === 0) return result(null)
  const prefix = entries.slice(0, size)
  const messages = prefix.filter((entry) => entry.type === 'message').length
  const last = entries[size - 1]
  const label = last.type === 'message' ? messageLabel(last.message) : eventLabel(last.event)
  const hash = last.type === 'message' ? last.message.hash : last.event.hash
  if (messages !== checkpoint.seq || size - messages !== checkpoint.event_seq)
    return result({
      entry: label,
      reason: `is entry ${size}, where the checkpoint has ${checkpoint.seq} messages and ${checkpoint.event_seq} events; the newer record has ${messages} and ${size - messages} there: the records part before it`
    })
  if (hash !== checkpoint.head)
    return result({
      entry: label,
      reason: `is entry ${size} with hash ${hash}, but the checkpoint's head there is ${checkpoint.head}: the records part at or before it`
    })
  return result(null)
}
