import type { Knex } from 'knex'
import * as deletionStamp from './20261130120000_chat-messages-deletion-stamp'

const REFUSE = (message: string) =>
  `raise exception '${message}' using errcode = 'P0001', hint = 'append-only';`

/**
 * The database appends the chain's events itself, whatever client writes: a soft
 * delete, a participant row inserted, removed or given another role, a channel's status
 * changing. Who deleted a message (deleted_by) is set with the soft delete, once.
 */
const MESSAGES_GUARD = `
  create or replace function chat_messages_append_only() returns trigger language plpgsql as $$
  begin
    if tg_op = 'DELETE' or tg_op = 'TRUNCATE' then ${REFUSE('chat messages cannot be deleted')}
    end if;
    if tg_op = 'INSERT' then
      if new.is_deleted or new.deleted_at is not null or new.deleted_by is not null then
        ${REFUSE('a chat message is written live: only its soft delete marks it deleted')}
      end if;
      return new;
    end if;
    if new.content is distinct from old.content or new.sender_id is distinct from old.sender_id
      or new.channel_id is distinct from old.channel_id or new.seq is distinct from old.seq
      or new.created_at is distinct from old.created_at or new.client_id is distinct from old.client_id
      or new.id is distinct from old.id or new.hash is distinct from old.hash then
      ${REFUSE('chat messages are immutable')}
    end if;
    if old.is_deleted then
      if not new.is_deleted then ${REFUSE('a deleted chat message stays deleted')}
      end if;
      if new.deleted_at is distinct from old.deleted_at then ${REFUSE('the time a chat message was deleted never changes')}
      end if;
      if new.deleted_by is distinct from old.deleted_by then ${REFUSE('who deleted a chat message never changes')}
      end if;
      return new;
    end if;
    if not new.is_deleted then
      if new.deleted_at is distinct from old.deleted_at or new.deleted_by is distinct from old.deleted_by then
        ${REFUSE('deleted_at and deleted_by are set only by the soft delete, with is_deleted')}
      end if;
      return new;
    end if;
    if new.deleted_at is distinct from old.deleted_at and new.deleted_at is distinct from now() then
      ${REFUSE('a soft delete is stamped with the time it happens (now())')}
    end if;
    new.deleted_at := now();
    perform chat_chain_event(new.channel_id, 'message.deleted', new.deleted_by, new.sender_id, new.id, null, now());
    return new;
  end
  $$`

const EVENTS_GUARD = `
  create function chat_channel_events_append_only() returns trigger language plpgsql as $$
  begin
    ${REFUSE('the events of a channel are never changed or deleted')}
  end
  $$`

// Membership intervals: a participant row's who, where and since when never change;
// its end is set once. Every change that shows who could read the channel is chained.
const PARTICIPANTS = `
  create function chat_participants_chain() returns trigger language plpgsql as $$
  begin
    if tg_op = 'INSERT' then
      perform chat_chain_event(new.channel_id, 'participant.joined', null, new.user_id, null, new.role, new.joined_at);
      if new.removed_at is not null then
        perform chat_chain_event(new.channel_id, 'participant.left', null, new.user_id, null, new.role, new.removed_at);
      end if;
      return new;
    end if;
    if new.id is distinct from old.id or new.channel_id is distinct from old.channel_id
      or new.user_id is distinct from old.user_id or new.joined_at is distinct from old.joined_at
      or (old.removed_at is not null and new.removed_at is distinct from old.removed_at) then
      ${REFUSE('who belonged to a channel, and from when to when, never changes')}
    end if;
    if new.role is distinct from old.role then
      perform chat_chain_event(new.channel_id, 'participant.role_changed', null, new.user_id, null, new.role, now());
    end if;
    if old.removed_at is null and new.removed_at is not null then
      perform chat_chain_event(new.channel_id, 'participant.left', null, new.user_id, null, new.role, new.removed_at);
    end if;
    return new;
  end
  $$`

// The detail of a status event is the context's status that caused it ("booking completed")
const CHANNEL_STATUS = `
  create function chat_channels_chain_status() returns trigger language plpgsql as $$
  begin
    perform chat_chain_event(new.id, case new.status when 'frozen' then 'channel.frozen' else 'channel.reopened' end,
      null, null, null,
      case new.context_type when 'booking' then (select b.status from bookings b where b.id = new.context_id)
        else (select d.status from disputes d where d.id = new.context_id) end,
      now());
    return null;
  end
  $$`

const TRIGGERS = [
  `create trigger chat_channel_events_no_change before update or delete on chat_channel_events
    for each row execute function chat_channel_events_append_only()`,
  `create trigger chat_channel_events_no_truncate before truncate on chat_channel_events
    for each statement execute function chat_channel_events_append_only()`,
  `create trigger chat_participants_chained_insert after insert on chat_participants
    for each row execute function chat_participants_chain()`,
  // Before the update, so that a refused rewrite never reaches the row; only these columns
  // wake it, so read positions (moved by every send) pay nothing
  `create trigger chat_participants_chained_update before update of id, channel_id, user_id, role, joined_at, removed_at
    on chat_participants for each row execute function chat_participants_chain()`,
  `create trigger chat_channels_status_chained after update of status on chat_channels
    for each row when (old.status is distinct from new.status) execute function chat_channels_chain_status()`,
  `create trigger chat_channels_created_frozen after insert on chat_channels
    for each row when (new.status = 'frozen') execute function chat_channels_chain_status()`
]

export async function up(knex: Knex): Promise<void> {
  await knex.raw(MESSAGES_GUARD)
  await knex.raw(EVENTS_GUARD)
  await knex.raw(PARTICIPANTS)
  await knex.raw(CHANNEL_STATUS)
  for (const statement of TRIGGERS) await knex.raw(statement)
}

export async function down(knex: Knex): Promise<void> {
  for (const [trigger, table] of [
    ['chat_channels_created_frozen', 'chat_channels'],
    ['chat_channels_status_chained', 'chat_channels'],
    ['chat_participants_chained_update', 'chat_participants'],
    ['chat_participants_chained_insert', 'chat_participants'],
    ['chat_channel_events_no_truncate', 'chat_channel_events'],
    ['chat_channel_events_no_change', 'chat_channel_events'],
    ['chat_messages_live_insert', 'chat_messages']
  ]) {
    await knex.raw(`drop trigger ${trigger} on ${table}`)
  }
  for (const name of [
    'chat_channels_chain_status',
    'chat_participants_chain',
    'chat_channel_events_append_only'
  ]) {
    await knex.raw(`drop function ${name}()`)
  }
  // The guard as the deletion stamp left it, with its insert trigger
  await deletionStamp.up(knex)
}
