import type { Knex } from 'knex'

/**
 * One hash chain per channel over its messages and its events (deletions, people
 * joining and leaving, the channel freezing and reopening), so that a transcript can
 * be checked by anyone against the head the channel row carries.
 *
 * An entry's hash is SHA-256(previous hash's 32 bytes ‖ its canonical encoding); the
 * first entry's previous hash is 32 zero bytes. The canonical encoding is a list of
 * fields, each its UTF-8 bytes preceded by their length as a 4-byte big-endian
 * integer, or the 4 bytes ff ff ff ff alone for a null. Numbers are written in
 * decimal, times as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, microseconds). Fields:
 *   message: 'message', channel_id, seq, sender_id, content, client_id, created_at
 *   event:   'event', channel_id, event_seq, after_seq, kind, actor_id, user_id,
 *            message_id, detail, created_at
 * src/modules/messaging/evidence/chain.ts recomputes the same bytes.
 *
 * Order in the chain: messages by seq, each followed by the events that happened
 * after it and before the next one (after_seq), by event_seq. Both counters are gap-free.
 */
/**
 * Appends an event under the channel row lock that also orders messages. The migration
 * that drops it brings it back from here on down, so that there is one text of it.
 */
export const CHAIN_EVENT = `create function chat_chain_event(channel bigint, kind text, actor bigint, subject bigint, message bigint,
    detail text, at timestamptz) returns void language plpgsql as $$
    declare linked record;
    begin
      update chat_channels c set last_event_seq = c.last_event_seq + 1,
        chain_head = chat_chain_link(c.chain_head, chat_event_encoding(
          c.id, c.last_event_seq + 1, c.last_seq, kind, actor, subject, message, detail, at))
      where c.id = channel
      returning c.last_event_seq, c.last_seq, c.chain_head into linked;
      insert into chat_channel_events
        (channel_id, event_seq, after_seq, kind, actor_id, user_id, message_id, detail, created_at, hash)
      values (channel, linked.last_event_seq, linked.last_seq, kind, actor, subject, message, detail, at, linked.chain_head);
    end
  $$`

const FUNCTIONS = [
  `create function chat_chain_field(value text) returns bytea language sql immutable parallel safe as $$
    select case when value is null then '\\xffffffff'::bytea
      else int4send(octet_length(convert_to(value, 'UTF8'))) || convert_to(value, 'UTF8') end
  $$`,
  `create function chat_chain_time(at timestamptz) returns text language sql immutable parallel safe as $$
    select to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  $$`,
  `create function chat_chain_link(previous text, encoding bytea) returns text language sql immutable parallel safe as $$
    select encode(sha256(decode(coalesce(previous, repeat('0', 64)), 'hex') || encoding), 'hex')
  $$`,
  `create function chat_message_encoding(channel_id bigint, seq bigint, sender_id bigint, content text,
    client_id text, created_at timestamptz) returns bytea language sql immutable parallel safe as $$
    select chat_chain_field('message') || chat_chain_field(channel_id::text) || chat_chain_field(seq::text)
      || chat_chain_field(sender_id::text) || chat_chain_field(content) || chat_chain_field(client_id)
      || chat_chain_field(chat_chain_time(created_at))
  $$`,
  `create function chat_event_encoding(channel_id bigint, event_seq bigint, after_seq bigint, kind text,
    actor_id bigint, user_id bigint, message_id bigint, detail text, created_at timestamptz)
    returns bytea language sql immutable parallel safe as $$
    select chat_chain_field('event') || chat_chain_field(channel_id::text) || chat_chain_field(event_seq::text)
      || chat_chain_field(after_seq::text) || chat_chain_field(kind) || chat_chain_field(actor_id::text)
      || chat_chain_field(user_id::text) || chat_chain_field(message_id::text) || chat_chain_field(detail)
      || chat_chain_field(chat_chain_time(created_at))
  $$`,
  CHAIN_EVENT
]

// Frozen here, as a migration must be: the service schema lists the same kinds
const EVENT_KINDS = [
  'participant.joined',
  'participant.left',
  'participant.role_changed',
  'message.deleted',
  'channel.frozen',
  'channel.reopened'
]

// What happened before the chain existed, in the order it happened: a person's joining
// and leaving, and deletions, placed after the last message written by then
const HISTORY = `
  create temporary table chat_chain_history on commit drop as
  select e.*, coalesce((select max(m.seq) from chat_messages m
      where m.channel_id = e.channel_id and m.created_at <= e.at), 0) as after_seq
  from (
    select channel_id, 'participant.joined' as kind, null::bigint as actor_id, user_id,
      null::bigint as message_id, role as detail, joined_at as at, 1 as rank from chat_participants
    union all
    select channel_id, 'participant.left', null, user_id, null, role, removed_at, 2
      from chat_participants where removed_at is not null
    union all
    select channel_id, 'message.deleted', null, sender_id, id, null, deleted_at, 3
      from chat_messages where is_deleted
  ) e`

const BACKFILL = `
  do $$
  declare
    channel record;
    entry record;
    head text;
    events bigint;
  begin
    for channel in select id from chat_channels order by id loop
      head := null;
      events := 0;
      for entry in
        select 0 as is_event, m.seq as after_seq, m.created_at as at, 0 as rank, m.id as message_id,
          null::text as kind, null::bigint as actor_id, null::bigint as user_id, null::text as detail
          from chat_messages m where m.channel_id = channel.id
        union all
        select 1, h.after_seq, h.at, h.rank, h.message_id, h.kind, h.actor_id, h.user_id, h.detail
          from chat_chain_history h where h.channel_id = channel.id
        order by after_seq, is_event, at, rank, message_id, user_id
      loop
        if entry.is_event = 0 then
          update chat_messages m
            set hash = chat_chain_link(head, chat_message_encoding(m.channel_id, m.seq, m.sender_id, m.content, m.client_id, m.created_at))
            where m.id = entry.message_id returning m.hash into head;
        else
          events := events + 1;
          head := chat_chain_link(head, chat_event_encoding(channel.id, events, entry.after_seq, entry.kind,
            entry.actor_id, entry.user_id, entry.message_id, entry.detail, entry.at));
          insert into chat_channel_events
            (channel_id, event_seq, after_seq, kind, actor_id, user_id, message_id, detail, created_at, hash)
          values (channel.id, events, entry.after_seq, entry.kind, entry.actor_id, entry.user_id, entry.message_id,
            entry.detail, entry.at, head);
        end if;
      end loop;
      update chat_channels set chain_head = head, last_event_seq = events where id = channel.id;
    end loop;
  end
  $$`

export async function up(knex: Knex): Promise<void> {
  for (const statement of FUNCTIONS) await knex.raw(statement)
  await knex.schema.alterTable('chat_channels', (table) => {
    table.bigInteger('last_event_seq').notNullable().defaultTo(0)
    table.text('chain_head')
  })
  await knex.schema.alterTable('chat_messages', (table) => {
    // Null only on rows written around the app, which the chain's check then reports
    table.text('hash')
    table.bigInteger('deleted_by').references('users.id')
  })
  await knex.schema.createTable('chat_channel_events', (table) => {
    table.bigIncrements('id')
    table.bigInteger('channel_id').notNullable().references('chat_channels.id')
    table.bigInteger('event_seq').notNullable()
    table.bigInteger('after_seq').notNullable()
    table.text('kind').notNullable()
    table.bigInteger('actor_id').references('users.id')
    table.bigInteger('user_id').references('users.id')
    table.bigInteger('message_id').references('chat_messages.id')
    table.text('detail')
    table.timestamp('created_at', { useTz: true }).notNullable()
    table.text('hash').notNullable()
    table.unique(['channel_id', 'event_seq'], { indexName: 'chat_channel_events_channel_seq_unique' })
    table.check(
      `kind in (${EVENT_KINDS.map((kind) => `'${kind}'`).join(', ')})`,
      [],
      'chat_channel_events_kind_check'
    )
  })
  await knex.raw(HISTORY)
  await knex.raw(BACKFILL)
  // Channels frozen before the chain existed: when is unknown, so the record says it from now
  await knex.raw(`select chat_chain_event(c.id, 'channel.frozen', null, null, null,
      case c.context_type when 'booking' then (select b.status from bookings b where b.id = c.context_id)
        else (select d.status from disputes d where d.id = c.context_id) end, now())
    from chat_channels c where c.status = 'frozen'`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('chat_channel_events')
  await knex.raw('drop function chat_chain_event(bigint, text, bigint, bigint, bigint, text, timestamptz)')
  await knex.schema.alterTable('chat_messages', (table) => {
    table.dropColumn('deleted_by')
    table.dropColumn('hash')
  })
  await knex.schema.alterTable('chat_channels', (table) => {
    table.dropColumn('chain_head')
    table.dropColumn('last_event_seq')
  })
  for (const signature of [
    'chat_event_encoding(bigint, bigint, bigint, text, bigint, bigint, bigint, text, timestamptz)',
    'chat_message_encoding(bigint, bigint, bigint, text, text, timestamptz)',
    'chat_chain_link(text, bytea)',
    'chat_chain_time(timestamptz)',
    'chat_chain_field(text)'
  ]) {
    await knex.raw(`drop function ${signature}`)
  }
}
