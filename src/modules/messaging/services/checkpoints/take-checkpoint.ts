import type { Knex } from 'knex'
import { GeneralError } from '@feathersjs/errors'
import type { Application } from '../../../../declarations'
import type { Id } from '../../../../schema-types'
import { CHECKPOINT_FORMAT } from '../../evidence/checkpoint'
import type { CheckpointBody, CheckpointDocument, CheckpointReason } from '../../evidence/checkpoint'
import { loadSigningKey, sign } from '../../evidence/signature'
import type { TranscriptSignature } from '../../evidence/signature'

/** A stored checkpoint row, as the checkpoints table holds it. */
export interface CheckpointRow {
  id: number
  channel_id: number
  document: string
  timestamp_token: Buffer | null
}

/** The document a party keeps: the signed body, with its RFC 3161 token once there is one. */
export const documentOf = (row: CheckpointRow): CheckpointDocument => ({
  ...JSON.parse(row.document),
  timestamp: row.timestamp_token ? { token: Buffer.from(row.timestamp_token).toString('base64') } : null
})

/** The channel's state in one read: its counts and head agree, and the time is the database's clock. */
async function stateOf(db: Knex, channelId: Id) {
  const { rows } = await db.raw(
    `select c.id, c.context_type, c.context_id, c.last_seq, c.last_event_seq, c.chain_head,
       chat_chain_time(t.at) as time
     from chat_channels c, (select clock_timestamp() as at) t where c.id = ?`,
    [channelId]
  )
  return rows[0] as
    | {
        id: number
        context_type: string
        context_id: number
        last_seq: number
        last_event_seq: number
        chain_head: string | null
        time: string
      }
    | undefined
}

/** Signed with the configured key, read afresh each time (as transcripts are); none: unsigned. */
function signed(
  app: Application,
  body: CheckpointBody
): CheckpointBody & { signature: TranscriptSignature | null } {
  const keyPath = app.get('evidence')?.signing_key
  if (!keyPath) return { ...body, signature: null }
  try {
    // The body has no `signature` or `timestamp`: `sign` signs its RFC 8785 bytes, as checkpointSignedBytes says
    return sign(body, loadSigningKey(keyPath))
  } catch (error: any) {
    throw new GeneralError(`Checkpoints cannot be signed: ${error.message}`)
  }
}

/**
 * Signs the channel's current head and stores it. A scheduled checkpoint of a state
 * already checkpointed by schedule (another instance ran the same pass), or a second one
 * for the same dispute, is not stored: undefined. Undefined too for no channel.
 */
export async function takeCheckpoint(
  app: Application,
  channelId: Id,
  reason: CheckpointReason,
  detail: string | null = null
): Promise<CheckpointRow | undefined> {
  const db: Knex = app.get('postgresqlClient')
  const state = await stateOf(db, channelId)
  if (!state) return undefined
  const body: CheckpointBody = {
    format: CHECKPOINT_FORMAT,
    channel_id: Number(state.id),
    context: `${state.context_type}:${state.context_id}`,
    seq: Number(state.last_seq),
    event_seq: Number(state.last_event_seq),
    head: state.chain_head,
    time: state.time,
    reason
  }
  const document = JSON.stringify(signed(app, body))
  const { rows } = await db.raw(
    `insert into chat_checkpoints (channel_id, reason, detail, seq, event_seq, head, taken_at, document)
     values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing
     returning id, channel_id, document, timestamp_token`,
    [body.channel_id, reason, detail, body.seq, body.event_seq, body.head, body.time, document]
  )
  return rows[0]
}
