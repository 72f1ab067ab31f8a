import type { Knex } from 'knex'
import * as chainTriggers from './20261201000200_chat-chain-triggers'

const REFUSE = (message: string) =>
  `raise exception '${message}' using errcode = 'P0001', hint = 'append-only';`

/**
 * Every chained row, counter and time is written by functions the tables' owner defines
 * (SECURITY DEFINER), so that the role the app connects as can ask for an append but
 * never choose what is appended: the send, the soft delete, a join, a leave, a role
 * change, a freeze. Each entry's time is read from the database's clock once the
 * channel's row lock is held, so the chain's order and its times agree. The guards that
 * keep every other writer out are in the next migration.
 */

// Functions that write the chain run as the tables' owner whatever role calls them, and
// resolve names only where the owner put them (never in a schema a caller could fill)
const DEFINER = `security definer set search_path = pg_catalog, public, pg_temp`

/**
 * Appends an event under the channel's row lock and returns its time, read from the
 * database's clock once that lock is held: the order of the chain and its times agree,
 * and no caller chooses a time.
 */
export const APPEND = `
  create function chat_chain_append(channel bigint, kind text, actor bigint, subject bigint, message bigint,
    detail text) returns timestamptz language plpgsql ${DEFINER} as $$
  declare
    at timestamptz;
    linked record;
  begin
    perform 1 from chat_channels c where c.id = channel for update;
    at := clock_timestamp();
    update chat_channels c set last_event_seq = c.last_event_seq + 1,
      chain_head = chat_chain_link(c.chain_head, chat_event_encoding(
        c.id, c.last_event_seq + 1, c.last_seq, kind, actor, subject, message, detail, at))
    where c.id = channel
    returning c.last_event_seq, c.last_seq, c.chain_head into linked;
    insert into chat_channel_events
      (channel_id, event_seq, after_seq, kind, actor_id, user_id, message_id, detail, created_at, hash)
    values (channel, linked.last_event_seq, linked.last_seq, kind, actor, subject, message, detail, at, linked.chain_head);
    return at;
  end
  $$`

/**
 * The send: the next seq, the time from the clock under the channel's lock, the link and
 * the row, in one call. Who may write is decided here from the database's own rows
 * (a current participant of an active channel, or a person whose role is admin), never
 * from what the caller says. No row back means the send was refused.
 */
export const SEND = `
  create function chat_send_message(channel bigint, sender bigint, words text, client text)
    returns setof chat_messages language plpgsql ${DEFINER} as $$
  declare
    at timestamptz;
    next record;
  begin
    perform 1 from chat_channels c where c.id = channel for update;
    at := clock_timestamp();
    update chat_channels c set last_seq = c.last_seq + 1, last_message_at = at,
      chain_head = chat_chain_link(c.chain_head,
        chat_message_encoding(c.id, c.last_seq + 1, sender, words, client, at))
    where c.id = channel
      and (exists (select 1 from users u where u.id = sender and u.role = 'admin')
        or (c.status = 'active' and exists (select 1 from chat_participants p
          where p.channel_id = c.id and p.user_id = sender and p.removed_at is null)))
    returning c.last_seq, c.chain_head into next;
    if not found then
      return;
    end if;
    return query insert into chat_messages as m (channel_id, seq, sender_id, content, client_id, created_at, hash)
      values (channel, next.last_seq, sender, words, client, at, next.chain_head) returning m.*;
  end
  $$`

const MESSAGES = `
  create or replace function chat_messages_append_only() returns trigger language plpgsql ${DEFINER} as $$
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
      ${REFUSE('a soft delete is stamped with the time it happens (give now() or nothing)')}
    end if;
    new.deleted_at := chat_chain_append(new.channel_id, 'message.deleted', new.deleted_by, new.sender_id, new.id, null);
    return new;
  end
  $$`

// A membership's start and end are the times of its chained events, stamped by the database
const PARTICIPANTS = `
  create or replace function chat_participants_chain() returns trigger language plpgsql ${DEFINER} as $$
  begin
    if tg_op = 'INSERT' then
      if new.removed_at is not null then ${REFUSE('a membership starts open: its end is written when the person leaves')}
      end if;
      if new.joined_at is distinct from now() then ${REFUSE('a join is stamped by the database (give now() or nothing)')}
      end if;
      new.joined_at := chat_chain_append(new.channel_id, 'participant.joined', null, new.user_id, null, new.role);
      return new;
    end if;
    if new.id is distinct from old.id or new.channel_id is distinct from old.channel_id
      or new.user_id is distinct from old.user_id or new.joined_at is distinct from old.joined_at
      or (old.removed_at is not null and new.removed_at is distinct from old.removed_at) then
      ${REFUSE('who belonged to a channel, and from when to when, never changes')}
    end if;
    if new.role is distinct from old.role then
      perform chat_chain_append(new.channel_id, 'participant.role_changed', null, new.user_id, null, new.role);
    end if;
    if old.removed_at is null and new.removed_at is not null then
      if new.removed_at is distinct from now() then ${REFUSE('a leave is stamped by the database (give now())')}
      end if;
      new.removed_at := chat_chain_append(new.channel_id, 'participant.left', null, new.user_id, null, new.role);
    end if;
    return new;
  end
  $$`

const CHANNEL_STATUS = `
  create or replace function chat_channels_chain_status() returns trigger language plpgsql ${DEFINER} as $$
  begin
    perform chat_chain_append(new.id, case new.status when 'frozen' then 'channel.frozen' else 'channel.reopened' end,
      null, null, null,
      case new.context_type when 'booking' then (select b.status from bookings b where b.id = new.context_id)
        else (select d.status from disputes d where d.id = new.context_id) end);
    return null;
  end
  $$`

export async function up(knex: Knex): Promise<void> {
  for (const statement of [APPEND, SEND, MESSAGES, PARTICIPANTS, CHANNEL_STATUS]) await knex.raw(statement)
  // The join is stamped before the row is written, so that the row carries its event's time
  await knex.raw('drop trigger chat_participants_chained_insert on chat_participants')
  await knex.raw(`create trigger chat_participants_chained_insert before insert on chat_participants
    for each row execute function chat_participants_chain()`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function chat_send_message(bigint, bigint, text, text)')
  // The chain's triggers as they were, with the functions they called
  await chainTriggers.down(knex)
  await chainTriggers.up(knex)
  await knex.raw('drop function chat_chain_append(bigint, text, bigint, bigint, bigint, text)')
}
