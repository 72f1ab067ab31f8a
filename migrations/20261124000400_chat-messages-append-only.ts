import type { Knex } from 'knex'

// Chat history is legal evidence: the database itself refuses to rewrite or delete it,
// whatever client connects. Only the soft-delete columns may change, and only one way.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function chat_messages_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' or tg_op = 'TRUNCATE' then
        raise exception 'chat messages cannot be deleted' using errcode = 'P0001', hint = 'append-only';
      end if;
      if new.content is distinct from old.content
        or new.sender_id is distinct from old.sender_id
        or new.channel_id is distinct from old.channel_id
        or new.seq is distinct from old.seq
        or new.created_at is distinct from old.created_at
        or new.client_id is distinct from old.client_id
        or new.id is distinct from old.id then
        raise exception 'chat messages are immutable' using errcode = 'P0001', hint = 'append-only';
      end if;
      if old.is_deleted and not new.is_deleted then
        raise exception 'a deleted chat message stays deleted' using errcode = 'P0001', hint = 'append-only';
      end if;
      return new;
    end
    $$`)
  await knex.raw(`create trigger chat_messages_no_update before update on chat_messages
    for each row execute function chat_messages_append_only()`)
  await knex.raw(`create trigger chat_messages_no_delete before delete on chat_messages
    for each row execute function chat_messages_append_only()`)
  await knex.raw(`create trigger chat_messages_no_truncate before truncate on chat_messages
    for each statement execute function chat_messages_append_only()`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger chat_messages_no_truncate on chat_messages')
  await knex.raw('drop trigger chat_messages_no_delete on chat_messages')
  await knex.raw('drop trigger chat_messages_no_update on chat_messages')
  await knex.raw('drop function chat_messages_append_only()')
}
