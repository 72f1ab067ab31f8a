import type { Knex } from 'knex'
import { CHAIN_EVENT } from './20261201000100_chat-chain'

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
  await knex.raw(CHAIN_EVENT)
  await knex.raw(`revoke execute on function ${SIGNATURE} from public`)
}
