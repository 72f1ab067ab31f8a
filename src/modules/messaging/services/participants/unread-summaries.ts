import type { Knex } from 'knex'
import type { Id } from '../../../../schema-types'

/** A person's standing in a channel, as a notification about a message there needs it. */
export interface UnreadSummary {
  user_id: Id
  channel_id: Id
  /** the message the notification was planned for */
  message_id: Id
  context_type: 'booking' | 'dispute'
  context_id: Id
  /** null when they are no longer a participant */
  participant: { last_read_seq: number; muted: boolean } | null
  /** the planned message as it is now, or null if it is gone */
  planned: { is_deleted: boolean; seq: number } | null
  /** unread messages from others, not deleted, after the read position */
  unread: number
  /** the newest of them, if any */
  newest: { id: Id; seq: number; sender_id: Id } | null
  /** how many people sent the newest `sample` of them */
  senders: number
}

// Text names the senders of at most this many of the newest unread messages
const SENDER_SAMPLE = 100

/**
 * One statement for a whole batch of (person, channel) pairs: what a page of
 * `messages.find` per pair would tell, counted and sampled in the database. The unread
 * messages are read once, newest first: the count, the newest (what the notification is
 * decided on) and the senders of the newest `sample` (what its text names) all come from
 * that one scan.
 */
const SQL = `
  select q.user_id, q.channel_id, q.message_id, c.context_type, c.context_id,
    p.id as participant_id, p.last_read_seq, p.muted,
    pm.is_deleted as planned_deleted, pm.seq as planned_seq,
    coalesce(s.unread, 0) as unread, s.newest_id, s.newest_seq, s.newest_sender_id, coalesce(s.senders, 0) as senders
  from jsonb_to_recordset(:pairs::jsonb) as q(user_id bigint, channel_id bigint, message_id bigint)
    join chat_channels c on c.id = q.channel_id
    left join chat_participants p on p.channel_id = q.channel_id and p.user_id = q.user_id and p.removed_at is null
    left join chat_messages pm on pm.id = q.message_id
    left join lateral (
      select count(*)::int as unread, max(r.seq) as newest_seq,
        max(r.id) filter (where r.rank = 1) as newest_id, max(r.sender_id) filter (where r.rank = 1) as newest_sender_id,
        count(distinct r.sender_id) filter (where r.rank <= :sample)::int as senders
      from (
        select m.id, m.seq, m.sender_id, row_number() over (order by m.seq desc) as rank from chat_messages m
        where m.channel_id = q.channel_id and m.seq > p.last_read_seq and m.sender_id <> q.user_id and not m.is_deleted
      ) r
    ) s on true`

type Pair = Pick<UnreadSummary, 'user_id' | 'channel_id' | 'message_id'>

export async function unreadSummaries(db: Knex, pairs: Pair[]): Promise<UnreadSummary[]> {
  if (!pairs.length) return []
  const { rows } = await db.raw(SQL, { pairs: JSON.stringify(pairs), sample: SENDER_SAMPLE })
  return rows.map((row: any) => ({
    user_id: Number(row.user_id),
    channel_id: Number(row.channel_id),
    message_id: Number(row.message_id),
    context_type: row.context_type,
    context_id: Number(row.context_id),
    participant:
      row.participant_id == null
        ? null
        : { last_read_seq: Number(row.last_read_seq), muted: Boolean(row.muted) },
    planned:
      row.planned_seq == null
        ? null
        : { is_deleted: Boolean(row.planned_deleted), seq: Number(row.planned_seq) },
    unread: Number(row.unread),
    newest:
      row.newest_id == null
        ? null
        : { id: Number(row.newest_id), seq: Number(row.newest_seq), sender_id: Number(row.newest_sender_id) },
    senders: Number(row.senders)
  }))
}
