import type { Knex } from 'knex'
import type { Id } from '../../../../schema-types'
import { isTransientDatabaseError } from '../../../../database/errors'
import { isEmbedded } from '../../../../database/postgresql'
import { preparedStatement } from '../../../../database/prepared-statement'
import { secondsSince } from '../../../../metrics/per-app'
import { MESSAGE_COLUMNS } from './messages.schema'
import type { Message } from './messages.schema'
import { SendBatches } from './send-batches'
import type { DeliveredPolicy } from '../../contact-guard/send-guard'

// The status of the context of channel `c` now, which picks the contact guard's policy
const CONTEXT_STATUS = `case c.context_type
        when 'booking' then (select b.status from bookings b where b.id = c.context_id)
        when 'dispute' then (select d.status from disputes d where d.id = c.context_id) end`

const SEND_SQL = `
  with message as (
    -- The database's send (migrations/20261206000100_chat-chain-writers.ts) takes the seq, the
    -- time and the link under the channel's row lock and decides who may write, as the
    -- policy's mayWrite does, from its own rows; no row back means refused
    select m.* from chat_send_message(:channelId, :senderId, :content, :clientId) m
    -- see MessageSends.commitFor: a lone send waits for the disk, a busy channel's lock does not
    where set_config('synchronous_commit', :synchronousCommit, true) is not null
  ), own_read as (
    update chat_participants p set last_read_seq = message.seq, last_read_at = message.created_at
    from message
    where p.channel_id = message.channel_id and p.user_id = message.sender_id
      and p.removed_at is null and p.last_read_seq < message.seq
  ), recipients as (
    select coalesce(array_agg(p.user_id), '{}') as recipient_ids
    from chat_participants p join message on p.channel_id = message.channel_id
    where p.removed_at is null and p.user_id <> message.sender_id
  ), guard as (
    -- The contact guard's policy (see GuardRequest): the one decided before the send, or
    -- the one the channel's context asks for in its status as this statement reads it
    select g.kinds, g.spans, coalesce(g.policy, g.policies -> c.context_type ->> ${CONTEXT_STATUS}) as policy
    from message join chat_channels c on c.id = message.channel_id,
      jsonb_to_record(cast(:contactGuard as jsonb)) as g(policy text, policies jsonb, kinds text[], spans jsonb)
    where cast(:contactGuard as jsonb) is not null
  ), finding as (
    -- In the send's transaction: a send that rolls back leaves no finding
    insert into chat_contact_findings (message_id, channel_id, sender_id, policy, kinds, spans)
    select message.id, message.channel_id, message.sender_id, guard.policy, guard.kinds, guard.spans
    from message, guard where guard.policy in ('flag', 'mask')
    on conflict (message_id) do nothing
  )
  select message.id, message.channel_id, message.seq, message.sender_id, message.content, message.client_id,
    message.created_at, message.is_deleted, message.deleted_at, recipients.recipient_ids,
    (select guard.policy from guard where guard.policy in ('flag', 'mask')) as contact_policy
  from message, recipients`
const SEND = preparedStatement('chat-send-message', SEND_SQL)

/**
 * The sends that queued on one channel, as one statement (one round trip): each item is
 * SEND_SQL's send with its own guard request, the read positions move once per sender (to
 * that sender's last message here; one row updated twice in a statement would keep only
 * one update), and the participants are read once. Why the seqs follow the items' order:
 * the call takes its arguments from the item (lateral), so the only plan is a nested loop
 * that calls it once per item as the items come, and the items come in the array's order
 * (jsonb_to_recordset expands it in order, and ordinality numbers the rows as they come).
 * The function is volatile and parallel-unsafe, so each call sees the calls before it and
 * nothing runs in parallel. The items' order is the channel's queue (SendBatches).
 */
const SEND_BATCH_SQL = `
  with message as materialized (
    select m.*, item.ord, cast(item.contact_guard as jsonb) as contact_guard
    from rows from (jsonb_to_recordset(cast(:items as jsonb))
        as (sender_id bigint, content text, client_id text, contact_guard text))
      with ordinality as item(sender_id, content, client_id, contact_guard, ord)
      cross join lateral chat_send_message(cast(:channelId as bigint), item.sender_id, item.content, item.client_id) m
    where set_config('synchronous_commit', :synchronousCommit, true) is not null
  ), own_read as (
    update chat_participants p set last_read_seq = last.seq, last_read_at = last.created_at
    from (select distinct on (sender_id) sender_id, seq, created_at from message order by sender_id, seq desc) last
    where p.channel_id = :channelId and p.user_id = last.sender_id
      and p.removed_at is null and p.last_read_seq < last.seq
  ), participants as (
    select coalesce(array_agg(p.user_id), '{}') as user_ids
    from chat_participants p where p.channel_id = :channelId and p.removed_at is null
  ), context as (
    select c.context_type, ${CONTEXT_STATUS} as status
    from chat_channels c where c.id = :channelId
  ), guard as (
    select message.id as message_id, g.kinds, g.spans,
      coalesce(g.policy, g.policies -> context.context_type ->> context.status) as policy
    from message cross join context,
      jsonb_to_record(message.contact_guard) as g(policy text, policies jsonb, kinds text[], spans jsonb)
    where message.contact_guard is not null
  ), finding as (
    insert into chat_contact_findings (message_id, channel_id, sender_id, policy, kinds, spans)
    select message.id, message.channel_id, message.sender_id, guard.policy, guard.kinds, guard.spans
    from message join guard on guard.message_id = message.id where guard.policy in ('flag', 'mask')
    on conflict (message_id) do nothing
  )
  select message.ord, message.id, message.channel_id, message.seq, message.sender_id, message.content,
    message.client_id, message.created_at, message.is_deleted, message.deleted_at,
    array_remove(participants.user_ids, message.sender_id) as recipient_ids, guard.policy as contact_policy
  from message cross join participants
    left join guard on guard.message_id = message.id and guard.policy in ('flag', 'mask')
  order by message.ord`
const SEND_BATCH = preparedStatement('chat-send-messages', SEND_BATCH_SQL)

export type SendValues = {
  channelId: Id
  senderId: Id
  content: string
  clientId: string | null
  /** the contact guard's request as JSON (guardParameter), or null */
  contactGuard: string | null
}
export type SentRow = Message & {
  recipient_ids: Id[]
  contact_policy: DeliveredPolicy | null
  /** committed synchronously: false means it is on disk only after a FlushBarrier */
  on_disk: boolean
}
type Commit = 'on' | 'off'

/** The send statement, run alone or with the sends that queued behind it on their channel (SendBatches). */
export class MessageSends {
  private batches = new SendBatches<SendValues, SentRow | undefined>((_channelId, items, nothingBehind) =>
    this.sendTogether(items, this.commitFor(nothingBehind))
  )

  constructor(
    private db: () => Knex,
    private observeStatement: (seconds: number) => void
  ) {}

  /** The sent row, or undefined where the database refused the sender. */
  submit(channelId: Id, values: SendValues): Promise<SentRow | undefined> {
    return this.batches.submit(channelId, values)
  }

  /**
   * How a statement's transaction commits. With nobody waiting behind it on its channel, it
   * waits for the disk itself ('on'): one round trip, and the lock it holds through the flush
   * delays no one here. With sends queued behind it, it commits without waiting ('off'), so
   * the channel's row lock is held for the commit record alone and not through a disk flush
   * (that capped a busy channel at one transaction per flush however idle the database was);
   * its sends are then answered only after a FlushBarrier. Another instance's send to the
   * same channel may still wait behind a lone send's flush, as it did before batching. The
   * embedded database has no barrier: it always commits at once.
   */
  private commitFor(nothingBehind: boolean): Commit {
    return nothingBehind || isEmbedded(this.db()) ? 'on' : 'off'
  }

  /**
   * One send alone is one statement; several to one channel are one statement too. If
   * that fails for a reason of one of them (a client_id sent twice at once), each runs
   * again alone, in order, so that only that one fails.
   */
  private async sendTogether(
    items: SendValues[],
    commit: Commit
  ): Promise<Array<PromiseSettledResult<SentRow | undefined>>> {
    const start = process.hrtime.bigint()
    try {
      return await this.sendInStatements(items, commit)
    } finally {
      this.observeStatement(secondsSince(start))
    }
  }

  private async sendInStatements(
    items: SendValues[],
    commit: Commit
  ): Promise<Array<PromiseSettledResult<SentRow | undefined>>> {
    if (items.length > 1) {
      try {
        const sent = await sendInOneStatement(this.db(), items, commit)
        return items.map((_item, i) => ({ status: 'fulfilled', value: sent.get(i + 1) }))
      } catch (error) {
        if (isTransientDatabaseError(error)) throw error
      }
    }
    const outcomes: Array<PromiseSettledResult<SentRow | undefined>> = []
    for (const [i, item] of items.entries()) {
      // One after another: only the last has nobody behind it (the embedded database
      // commits every one at once: it has no barrier to wait for the others)
      const synchronousCommit = i === items.length - 1 ? commit : this.commitFor(false)
      try {
        const [row] = await SEND.run<SentRow>(this.db(), { ...item, synchronousCommit })
        // A row of its own, fresh from the driver: marked, not copied
        if (row) row.on_disk = synchronousCommit === 'on'
        outcomes.push({ status: 'fulfilled', value: row })
      } catch (reason) {
        outcomes.push({ status: 'rejected', reason })
      }
    }
    return outcomes
  }

  /** The message this sender already sent with this client_id, if any: an idempotent retry answers it. */
  findByClientId(channelId: Id, senderId: Id, clientId: string): Promise<Message | undefined> {
    return this.db()('chat_messages')
      .where({ channel_id: channelId, sender_id: senderId, client_id: clientId })
      .first(MESSAGE_COLUMNS)
  }
}

const LONE_SURROGATE = /\p{Cs}/gu

/** The batch's rows by their item's place (from 1); a refused sender's item has none. */
async function sendInOneStatement(
  db: Knex,
  items: SendValues[],
  commit: Commit
): Promise<Map<number, SentRow>> {
  const rows = await SEND_BATCH.run<Omit<SentRow, 'on_disk'> & { ord: string }>(db, {
    channelId: items[0].channelId,
    synchronousCommit: commit,
    items: JSON.stringify(
      items.map(({ senderId, content, clientId, contactGuard }) => ({
        sender_id: senderId,
        // As the single send stores it (the driver writes a lone surrogate as U+FFFD), where
        // jsonb would refuse its escape and send the whole batch to the fallback
        content: content.replace(LONE_SURROGATE, '\uFFFD'),
        client_id: clientId,
        contact_guard: contactGuard
      }))
    )
  })
  return new Map(rows.map(({ ord, ...row }) => [Number(ord), { ...row, on_disk: commit === 'on' }]))
}
