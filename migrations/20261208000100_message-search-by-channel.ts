import type { Knex } from 'knex'

/**
 * Message search across a person's channels, bounded by their own channels.
 *
 * With a GIN index on the search vector alone, "these 500 channels, this word, newest
 * first" had two plans: every match of the word in the whole table (a common word: millions)
 * or the table walked backwards by id until a page of matches in the person's channels
 * turned up (a word rare among them: the whole table). Either way one call could be made
 * to cost the table.
 *
 * `btree_gin` lets one GIN index hold the channel id beside the words, so a scan for
 * "channel X and these words" reads only the entries of X and of the words, for each of
 * the person's channels: what it costs grows with their channels' matches, never with the
 * table. The index also serves a search on the words alone (an admin's across every
 * channel), so it replaces the one on the vector. PGlite ships `btree_gin` as it does
 * `unaccent`, so the embedded database runs the same migration.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists btree_gin')
  await knex.raw(
    'create index chat_messages_channel_search on chat_messages using gin (channel_id, search_vector)'
  )
  await knex.raw('drop index chat_messages_search')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('create index chat_messages_search on chat_messages using gin (search_vector)')
  await knex.raw('drop index chat_messages_channel_search')
  // The extension stays: another schema object may have come to use it since
}
