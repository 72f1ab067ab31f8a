import type { Knex } from 'knex'
import { APPEND as APPEND_WITHOUT_ACTOR } from './20261206000100_chat-chain-writers'

const DEFINER = `security definer set search_path = pg_catalog, public, pg_temp`

const KINDS = [
  'participant.joined',
  'participant.left',
  'participant.role_changed',
  'message.deleted',
  'channel.frozen',
  'channel.reopened',
  'channel.opened',
  'channel.bound'
]
const kindCheck = (kinds: string[]) => `kind in (${kinds.map((kind) => `'${kind}'`).join(', ')})`

/**
 * Binds a channel to its context inside its chain, and names who acted.
 *
 * A new channel's first entry is `channel.opened`, whose detail names its context
 * (`booking:42`), so a channel cannot be moved to another booking without breaking its
 * chain. Channels chained before this get `channel.bound` with the same detail now,
 * after their history: the record says their binding came late.
 *
 * Membership and status events carry the actor the app declares for its transaction
 * (`chat.actor`, a user id: who patched the booking or dispute), null for the system.
 * A message's deletion keeps its deleter (deleted_by), as before.
 */
export const APPEND = `
  create or replace function chat_chain_append(channel bigint, kind text, actor bigint, subject bigint, message bigint,
    detail text) returns timestamptz language plpgsql ${DEFINER} as $$
  declare
    at timestamptz;
    linked record;
  begin
    if kind <> 'message.deleted' then
      actor := coalesce(actor, nullif(current_setting('chat.actor', true), '')::bigint);
    end if;
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

const OPENED = `
  create function chat_channels_chain_opened() returns trigger language plpgsql ${DEFINER} as $$
  begin
    perform chat_chain_append(new.id, 'channel.opened', null, null, null, new.context_type || ':' || new.context_id);
    return null;
  end
  $$`

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table chat_channel_events drop constraint chat_channel_events_kind_check')
  await knex.raw(
    `alter table chat_channel_events add constraint chat_channel_events_kind_check check (${kindCheck(KINDS)})`
  )
  await knex.raw(APPEND)
  await knex.raw(OPENED)
  // Named to fire before chat_channels_created_frozen: the binding is the very first entry
  await knex.raw(`create trigger chat_channels_chain_opened after insert on chat_channels
    for each row execute function chat_channels_chain_opened()`)
  await knex.raw(`select chat_chain_append(c.id, 'channel.bound', null, null, null, c.context_type || ':' || c.context_id)
    from (select id, context_type, context_id from chat_channels order by id) c`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger chat_channels_chain_opened on chat_channels')
  await knex.raw('drop function chat_channels_chain_opened()')
  // The append as the writers' migration made it, before it named the actor. The bindings
  // stay chained (events are never deleted); the check lets them stay
  await knex.raw(APPEND_WITHOUT_ACTOR.replace(/^\s*create function/, 'create or replace function'))
}
