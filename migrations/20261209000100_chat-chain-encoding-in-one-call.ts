import type { Knex } from 'knex'
import { ENCODINGS as ENCODINGS_FIELD_BY_FIELD } from './20261208000200_chat-chain-names'

/**
 * The same bytes, in one call. The format-2 encodings joined one `chat_chain_field` call
 * per field, and PostgreSQL could not inline them (a field's expression is used twice in
 * its body), so each went through the SQL-function executor: about 15 µs each, eight per
 * message, a quarter of the send's time under the channel's row lock, which every other
 * send to the channel waits for. `chat_chain_fields` encodes a list of fields as
 * `chat_chain_field` does each one (its length as 4 bytes and its UTF-8 bytes, or
 * ff ff ff ff for null), in one call; the encodings name their fields as before.
 * `chat_chain_time` stays a call of its own, not inlined either (to_char is only stable,
 * and an immutable SQL function around it is never inlined): in PL/pgSQL it costs less.
 *
 * The helper names its encoding `'UTF8'::name`, which only pg_catalog's
 * `convert_to(text, name)` takes: an untyped literal would prefer a `(text, text)`
 * overload from any schema on the search path.
 */
const FIELDS = `
  create function chat_chain_fields(fields text[]) returns bytea language plpgsql immutable parallel safe as $$
  declare
    encoded bytea := '';
    field text;
    bytes bytea;
  begin
    foreach field in array fields loop
      if field is null then
        encoded := encoded || '\\xffffffff'::bytea;
      else
        bytes := convert_to(field, 'UTF8'::name);
        encoded := encoded || int4send(octet_length(bytes)) || bytes;
      end if;
    end loop;
    return encoded;
  end
  $$`

const TIME_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`
const TIME_IN_PLPGSQL = `
  create or replace function chat_chain_time(at timestamptz) returns text language plpgsql immutable parallel safe as $$
  begin
    return to_char(at at time zone 'UTC', ${TIME_FORMAT});
  end
  $$`
// As the chain's first migration made it, for down
const TIME_IN_SQL = `
  create or replace function chat_chain_time(at timestamptz) returns text language sql immutable parallel safe as $$
    select to_char(at at time zone 'UTC', ${TIME_FORMAT})
  $$`

const ENCODINGS = [
  `create or replace function chat_message_encoding_v2(channel_id bigint, seq bigint, sender_id bigint,
    sender_name text, content text, client_id text, created_at timestamptz)
    returns bytea language sql immutable parallel safe as $$
    select chat_chain_fields(array['message/2', channel_id::text, seq::text, sender_id::text, sender_name, content,
      client_id, chat_chain_time(created_at)])
  $$`,
  `create or replace function chat_event_encoding_v2(channel_id bigint, event_seq bigint, after_seq bigint,
    kind text, actor_id bigint, actor_name text, user_id bigint, user_name text, message_id bigint, detail text,
    created_at timestamptz) returns bytea language sql immutable parallel safe as $$
    select chat_chain_fields(array['event/2', channel_id::text, event_seq::text, after_seq::text, kind,
      actor_id::text, actor_name, user_id::text, user_name, message_id::text, detail, chat_chain_time(created_at)])
  $$`
]

export async function up(knex: Knex): Promise<void> {
  for (const statement of [FIELDS, TIME_IN_PLPGSQL, ...ENCODINGS]) await knex.raw(statement)
}

export async function down(knex: Knex): Promise<void> {
  for (const statement of ENCODINGS_FIELD_BY_FIELD)
    await knex.raw(statement.replace(/^\s*create function/, 'create or replace function'))
  await knex.raw('drop function chat_chain_fields(text[])')
  await knex.raw(TIME_IN_SQL)
}
