import type { Knex } from 'knex'

const REFUSE = (message: string) =>
  `raise exception '${message}' using errcode = 'P0001', hint = 'append-only';`

/**
 * Keeps every writer but the chain's own functions away from the chain, whatever role
 * the app connects as. Whether a write comes from such a function is told by
 * `current_user`: inside a SECURITY DEFINER function it is the function's owner,
 * otherwise the connected role. A role with the owner's privileges could switch the
 * triggers off anyway; for any other role these triggers are the boundary. The internal
 * append functions are not executable by PUBLIC; the send is, as it checks who writes.
 */
const WRITER = `
  create function chat_chain_writer(rel oid) returns boolean language sql stable as $$
    select pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE') from pg_catalog.pg_class c where c.oid = rel
  $$`

// The guards run as the caller (so current_user is who writes) and name their helper by schema
const GUARDS = [
  `create function chat_chain_rows_guard() returns trigger language plpgsql as $$
  begin
    if not public.chat_chain_writer(tg_relid) then
      ${REFUSE('chained rows are written only by the chain functions (send, soft delete, membership, status)')}
    end if;
    return new;
  end
  $$`,
  `create function chat_channels_guard() returns trigger language plpgsql as $$
  begin
    if tg_op in ('DELETE', 'TRUNCATE') then ${REFUSE('a channel is never deleted')}
    end if;
    if tg_op = 'INSERT' then
      if (new.last_seq <> 0 or new.last_event_seq <> 0 or new.chain_head is not null or new.last_message_at is not null)
        and not public.chat_chain_writer(tg_relid) then
        ${REFUSE('a channel starts with an empty chain')}
      end if;
      return new;
    end if;
    if new.id is distinct from old.id or new.context_type is distinct from old.context_type
      or new.context_id is distinct from old.context_id then
      ${REFUSE('the context a channel belongs to never changes')}
    end if;
    if (new.last_seq is distinct from old.last_seq or new.last_event_seq is distinct from old.last_event_seq
      or new.chain_head is distinct from old.chain_head or new.last_message_at is distinct from old.last_message_at
      or new.created_at is distinct from old.created_at) and not public.chat_chain_writer(tg_relid) then
      ${REFUSE('the chain head, counters and times of a channel are written only by the chain functions')}
    end if;
    return new;
  end
  $$`,
  `create function chat_participants_kept() returns trigger language plpgsql as $$
  begin
    ${REFUSE('who belonged to a channel is never deleted: a leave sets removed_at')}
  end
  $$`
]

const TRIGGERS = [
  `create trigger chat_messages_chain_writer before insert on chat_messages
    for each row execute function chat_chain_rows_guard()`,
  `create trigger chat_channel_events_chain_writer before insert on chat_channel_events
    for each row execute function chat_chain_rows_guard()`,
  `create trigger chat_channels_guard before insert or update or delete on chat_channels
    for each row execute function chat_channels_guard()`,
  `create trigger chat_channels_no_truncate before truncate on chat_channels
    for each statement execute function chat_channels_guard()`,
  `create trigger chat_participants_no_delete before delete on chat_participants
    for each row execute function chat_participants_kept()`,
  `create trigger chat_participants_no_truncate before truncate on chat_participants
    for each statement execute function chat_participants_kept()`
]

const INTERNAL = [
  'chat_chain_event(bigint, text, bigint, bigint, bigint, text, timestamptz)',
  'chat_chain_append(bigint, text, bigint, bigint, bigint, text)'
]

export async function up(knex: Knex): Promise<void> {
  for (const statement of [WRITER, ...GUARDS, ...TRIGGERS]) await knex.raw(statement)
  for (const signature of INTERNAL) await knex.raw(`revoke execute on function ${signature} from public`)
}

export async function down(knex: Knex): Promise<void> {
  for (const signature of INTERNAL) await knex.raw(`grant execute on function ${signature} to public`)
  for (const [trigger, table] of [
    ['chat_participants_no_truncate', 'chat_participants'],
    ['chat_participants_no_delete', 'chat_participants'],
    ['chat_channels_no_truncate', 'chat_channels'],
    ['chat_channels_guard', 'chat_channels'],
    ['chat_channel_events_chain_writer', 'chat_channel_events'],
    ['chat_messages_chain_writer', 'chat_messages']
  ]) {
    await knex.raw(`drop trigger ${trigger} on ${table}`)
  }
  for (const name of ['chat_participants_kept()', 'chat_channels_guard()', 'chat_chain_rows_guard()']) {
    await knex.raw(`drop function ${name}`)
  }
  await knex.raw('drop function chat_chain_writer(oid)')
}
