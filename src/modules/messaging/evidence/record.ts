import type { Knex } from 'knex'
import type { Id } from '../../../schema-types'
import type { ChainEvent, ChainMessage, ChainParticipant, ChainRecord } from './chain-encoding'

/** Times as the chain encodes them (UTC, microseconds): JavaScript dates keep milliseconds only. */
const time = (db: Knex, column: string) =>
  db.raw('chat_chain_time(??) as ??', [column, column.split('.').pop()!])

export interface ChannelRecord extends ChainRecord {
  channel: ChainRecord['channel'] & {
    context_type: 'booking' | 'dispute'
    context_id: number
    status: 'active' | 'frozen'
    created_at: string
    last_message_at: string | null
  }
  messages: Array<ChainMessage & { sender_name: string | null; chain_format: 1 | 2 }>
  events: Array<ChainEvent & { actor_name: string | null; user_name: string | null; chain_format: 1 | 2 }>
  participants: Array<
    ChainParticipant & {
      channel_id: number
      last_read_seq: number
      last_read_at: string | null
      muted: boolean
    }
  >
  /** The senders whose role is admin now: those the rules let send without belonging, or after a freeze */
  admins: number[]
}

/**
 * A channel's complete record as the database holds it, read in one transaction (one
 * snapshot, so the chain's head and its entries agree): every message with its words,
 * every event, every participant row with its read position. Undefined for no channel.
 */
export async function readChannelRecord(db: Knex, channelId: Id): Promise<ChannelRecord | undefined> {
  return db.transaction(
    async (trx) => {
      const channel = await trx('chat_channels')
        .where({ id: channelId })
        .first(
          'id',
          'context_type',
          'context_id',
          'status',
          'last_seq',
          'last_event_seq',
          'chain_head',
          time(trx, 'created_at'),
          time(trx, 'last_message_at')
        )
      if (!channel) return undefined
      const messages = await trx('chat_messages')
        .where({ channel_id: channelId })
        .orderBy('seq')
        .select(
          'id',
          'channel_id',
          'seq',
          'sender_id',
          'sender_name',
          'chain_format',
          'content',
          'client_id',
          'is_deleted',
          'deleted_by',
          'hash',
          time(trx, 'created_at'),
          time(trx, 'deleted_at')
        )
      const events = await trx('chat_channel_events')
        .where({ channel_id: channelId })
        .orderBy('event_seq')
        .select(
          'id',
          'channel_id',
          'event_seq',
          'after_seq',
          'kind',
          'actor_id',
          'actor_name',
          'user_id',
          'user_name',
          'message_id',
          'detail',
          'chain_format',
          'hash',
          time(trx, 'created_at')
        )
      const participants = await trx('chat_participants')
        .where({ channel_id: channelId })
        .orderBy('id')
        .select(
          'id',
          'channel_id',
          'user_id',
          'role',
          'last_read_seq',
          'muted',
          time(trx, 'joined_at'),
          time(trx, 'removed_at'),
          time(trx, 'last_read_at')
        )
      const admins = await trx('users')
        .where({ role: 'admin' })
        .whereIn('id', trx('chat_messages').where({ channel_id: channelId }).distinct('sender_id'))
        .pluck('id')
      return { channel, messages, events, participants, admins: admins.map(Number) }
    },
    { isolationLevel: 'repeatable read', readOnly: true }
  )
}
