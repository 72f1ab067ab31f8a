import type { Knex } from 'knex'

const SIGNATURE = 'chat_chain_event(bigint, text, bigint, bigint, bigint, text, timestamptz)'

/**
 * The first event writer, `chat_chain_event()`, has had no caller since the triggers moved
 * to `chat_chain_append()` (`20261206000100_chat-chain-writers.ts`). It still wrote events
 * in format 1, without names and at a time its caller chose: an event it wrote after named
 * entries would break the chain's rules, and one more door into the chain is one more
 * thing the guards must keep shut. Every event is appended through `chat_chain_append()`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`drop function ${SIGNATURE}`)
}

// As `20261201000100_chat-chain.ts` created it, with EXECUTE revoked from PUBLIC as the guards left it
export async function down(knex: Knex): Promise<void> {
  await knex.raw(`create function chat_chain_event(channel bigint, kind text, actor bigint, subject bigint,
    message bigint, detail text, at timestamptz) returns void language plpgsql as $$
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
  $$`)
  await knex.raw(`revoke execute on function ${SIGNATURE} from public`)
}
