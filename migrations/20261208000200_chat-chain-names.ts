import type { Knex } from 'knex'
import { SEND as SEND_WITHOUT_NAMES } from './20261206000100_chat-chain-writers'
import { APPEND as APPEND_WITHOUT_NAMES } from './20261206000300_chat-chain-context'

const REFUSE = (message: string) =>
  `raise exception '${message}' using errcode = 'P0001', hint = 'append-only';`
const DEFINER = `security definer set search_path = pg_catalog, public, pg_temp`

/**
 * Names as they were, kept in the chain. A message's sender and an event's actor and
 * subject were chained by id only, and a transcript named them by their names at export
 * time: a person who renamed himself changed the name on all his old messages, under the
 * same head and a valid signature. From here on the send and the event append read the
 * names from the users rows themselves, under the channel's lock (never from the caller),
 * store them on the row and hash them with it.
 *
 * Entries chained before keep their encoding: `chain_format` 1 (tag `message`, `event`,
 * no names); new ones are format 2 (tag `message/2`, `event/2`, with the names). The tag
 * is hashed, so an entry's format cannot be changed without breaking its link.
 *   message/2: 'message/2', channel_id, seq, sender_id, sender_name, content, client_id, created_at
 *   event/2:   'event/2', channel_id, event_seq, after_seq, kind, actor_id, actor_name,
 *              user_id, user_name, message_id, detail, created_at
 */
export const ENCODINGS = [
  `create function chat_message_encoding_v2(channel_id bigint, seq bigint, sender_id bigint, sender_name text,
    content text, client_id text, created_at timestamptz) returns bytea language sql immutable parallel safe as $$
    select chat_chain_field('message/2') || chat_chain_field(channel_id::text) || chat_chain_field(seq::text)
      || chat_chain_field(sender_id::text) || chat_chain_field(sender_name) || chat_chain_field(content)
      || chat_chain_field(client_id) || chat_chain_field(chat_chain_time(created_at))
  $$`,
  `create function chat_event_encoding_v2(channel_id bigint, event_seq bigint, after_seq bigint, kind text,
    actor_id bigint, actor_name text, user_id bigint, user_name text, message_id bigint, detail text,
    created_at timestamptz) returns bytea language sql immutable parallel safe as $$
    select chat_chain_field('event/2') || chat_chain_field(channel_id::text) || chat_chain_field(event_seq::text)
      || chat_chain_field(after_seq::text) || chat_chain_field(kind) || chat_chain_field(actor_id::text)
      || chat_chain_field(actor_name) || chat_chain_field(user_id::text) || chat_chain_field(user_name)
      || chat_chain_field(message_id::text) || chat_chain_field(detail) || chat_chain_field(chat_chain_time(created_at))
  $$`
]

/**
 * The send, as before (seq, time, link and row under the channel's lock; who may write
 * decided from the database's rows), now with the sender's name read from their users
 * row in the same statement (one snapshot: the name hashed is the name stored), by key,
 * beside the admin check as it was: one statement still.
 */
const SEND = `
  create or replace function chat_send_message(channel bigint, sender bigint, words text, client text)
    returns setof chat_messages language plpgsql ${DEFINER} as $$
  declare
    at timestamptz;
    next record;
  begin
    perform 1 from chat_channels c where c.id = channel for update;
    at := clock_timestamp();
    update chat_channels c set last_seq = c.last_seq + 1, last_message_at = at,
      chain_head = chat_chain_link(c.chain_head,
        chat_message_encoding_v2(c.id, c.last_seq + 1, sender, (select u.name from users u where u.id = sender),
          words, client, at))
    where c.id = channel
      and (exists (select 1 from users u where u.id = sender and u.role = 'admin')
        or (c.status = 'active' and exists (select 1 from chat_participants p
          where p.channel_id = c.id and p.user_id = sender and p.removed_at is null)))
    returning c.last_seq, c.chain_head, (select u.name from users u where u.id = sender) as name into next;
    if not found then
      return;
    end if;
    return query insert into chat_messages as m
      (channel_id, seq, sender_id, sender_name, content, client_id, created_at, hash, chain_format)
      values (channel, next.last_seq, sender, next.name, words, client, at, next.chain_head, 2) returning m.*;
  end
  $$`

/** Every event's append, as before, with the names of its actor and of whom it is about. */
const APPEND = `
  create or replace function chat_chain_append(channel bigint, kind text, actor bigint, subject bigint, message bigint,
    detail text) returns timestamptz language plpgsql ${DEFINER} as $$
  declare
    at timestamptz;
    linked record;
    actor_named text;
    subject_named text;
  begin
    if kind <> 'message.deleted' then
      actor := coalesce(actor, nullif(current_setting('chat.actor', true), '')::bigint);
    end if;
    perform 1 from chat_channels c where c.id = channel for update;
    at := clock_timestamp();
    actor_named := (select u.name from users u where u.id = actor);
    subject_named := (select u.name from users u where u.id = subject);
    update chat_channels c set last_event_seq = c.last_event_seq + 1,
      chain_head = chat_chain_link(c.chain_head, chat_event_encoding_v2(c.id, c.last_event_seq + 1, c.last_seq,
        kind, actor, actor_named, subject, subject_named, message, detail, at))
    where c.id = channel
    returning c.last_event_seq, c.last_seq, c.chain_head into linked;
    insert into chat_channel_events (channel_id, event_seq, after_seq, kind, actor_id, actor_name, user_id, user_name,
      message_id, detail, created_at, hash, chain_format)
    values (channel, linked.last_event_seq, linked.last_seq, kind, actor, actor_named, subject, subject_named,
      message, detail, at, linked.chain_head, 2);
    return at;
  end
  $$`

// Inserts are the chain functions' alone (the guards' migration) and events never change;
// a message's soft delete is the one update, and it leaves these two alone, for every role
const NAMES_KEPT = `
  create function chat_messages_names_kept() returns trigger language plpgsql as $$
  begin
    if new.sender_name is distinct from old.sender_name or new.chain_format is distinct from old.chain_format then
      ${REFUSE('the name a message was sent under, and its chain format, never change')}
    end if;
    return new;
  end
  $$`

const FORMAT_CHECK = (table: string) => [
  `alter table ${table} add column chain_format smallint not null default 1`,
  // Checked without a scan under the table's exclusive lock: the rows there are all 1
  `alter table ${table} add constraint ${table}_chain_format check (chain_format in (1, 2)) not valid`,
  `alter table ${table} validate constraint ${table}_chain_format`
]

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table chat_messages add column sender_name text')
  await knex.raw('alter table chat_channel_events add column actor_name text, add column user_name text')
  for (const statement of [
    ...FORMAT_CHECK('chat_messages'),
    ...FORMAT_CHECK('chat_channel_events'),
    ...ENCODINGS,
    SEND,
    APPEND,
    NAMES_KEPT,
    `create trigger chat_messages_names_kept before update on chat_messages
      for each row execute function chat_messages_names_kept()`
  ]) {
    await knex.raw(statement)
  }
}

/** The functions as they were before names were kept, for `down` and for a bench to compare with. */
export const WITHOUT_NAMES = {
  send: SEND_WITHOUT_NAMES.replace(/^\s*create function/, 'create or replace function'),
  append: APPEND_WITHOUT_NAMES
}
export const WITH_NAMES = { send: SEND, append: APPEND }

// Entries chained in format 2 lose their names with the columns, and no longer verify
export async function down(knex: Knex): Promise<void> {
  await knex.raw(WITHOUT_NAMES.append)
  await knex.raw(WITHOUT_NAMES.send)
  await knex.raw('drop trigger chat_messages_names_kept on chat_messages')
  await knex.raw('drop function chat_messages_names_kept()')
  await knex.raw(
    'drop function chat_event_encoding_v2(bigint, bigint, bigint, text, bigint, text, bigint, text, bigint, text, timestamptz)'
  )
  await knex.raw(
    'drop function chat_message_encoding_v2(bigint, bigint, bigint, text, text, text, timestamptz)'
  )
  await knex.raw(
    'alter table chat_channel_events drop column chain_format, drop column user_name, drop column actor_name'
  )
  await knex.raw('alter table chat_messages drop column chain_format, drop column sender_name')
}
