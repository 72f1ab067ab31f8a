import type { Knex } from 'knex'

const REFUSE_DELETE = `
  raise exception 'chat messages cannot be deleted' using errcode = 'P0001', hint = 'append-only';`

// The fields of a message that never change once written
const IMMUTABLE_COLUMNS_CHANGED = `
  new.content is distinct from old.content
  or new.sender_id is distinct from old.sender_id
  or new.channel_id is distinct from old.channel_id
  or new.seq is distinct from old.seq
  or new.created_at is distinct from old.created_at
  or new.client_id is distinct from old.client_id
  or new.id is distinct from old.id`

/**
 * When a message was deleted is evidence too: a message is written live, the soft
 * delete stamps deleted_at with the deleting transaction's time (a value the caller
 * gives must be that time, so nothing can be back-dated), and neither field changes
 * again. deleted_at is never set on its own.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function chat_messages_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' or tg_op = 'TRUNCATE' then ${REFUSE_DELETE}
      end if;
      if tg_op = 'INSERT' then
        if new.is_deleted or new.deleted_at is not null then
          raise exception 'a chat message is written live: only its soft delete marks it deleted'
            using errcode = 'P0001', hint = 'append-only';
        end if;
        return new;
      end if;
      if ${IMMUTABLE_COLUMNS_CHANGED} then
        raise exception 'chat messages are immutable' using errcode = 'P0001', hint = 'append-only';
      end if;
      if old.is_deleted then
        if not new.is_deleted then
          raise exception 'a deleted chat message stays deleted' using errcode = 'P0001', hint = 'append-only';
        end if;
        if new.deleted_at is distinct from old.deleted_at then
          raise exception 'the time a chat message was deleted never changes' using errcode = 'P0001', hint = 'append-only';
        end if;
        return new;
      end if;
      if not new.is_deleted then
        if new.deleted_at is distinct from old.deleted_at then
          raise exception 'deleted_at is set only by the soft delete, with is_deleted'
            using errcode = 'P0001', hint = 'append-only';
        end if;
        return new;
      end if;
      if new.deleted_at is distinct from old.deleted_at and new.deleted_at is distinct from now() then
        raise exception 'a soft delete is stamped with the time it happens (now())'
          using errcode = 'P0001', hint = 'append-only';
      end if;
      new.deleted_at := now();
      return new;
    end
    $$`)
  await knex.raw(`create trigger chat_messages_live_insert before insert on chat_messages
    for each row execute function chat_messages_append_only()`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger chat_messages_live_insert on chat_messages')
  await knex.raw(`
    create or replace function chat_messages_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' or tg_op = 'TRUNCATE' then ${REFUSE_DELETE}
      end if;
      if ${IMMUTABLE_COLUMNS_CHANGED} then
        raise exception 'chat messages are immutable' using errcode = 'P0001', hint = 'append-only';
      end if;
      if old.is_deleted and not new.is_deleted then
        raise exception 'a deleted chat message stays deleted' using errcode = 'P0001', hint = 'append-only';
      end if;
      return new;
    end
    $$`)
}
