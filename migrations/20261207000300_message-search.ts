import type { Knex } from 'knex'

/**
 * Full-text search over messages with PostgreSQL's own text search, the same on a server
 * and on the embedded database (PGlite ships `unaccent` as an extension it loads).
 *
 * `chat_search` is the `simple` configuration (every word as written, lowercased: no
 * stemming or stop words, so names, places and any language are found) with accents
 * folded by `unaccent` first, so "cafe" finds "café" and the reverse, in the index, the
 * query and the highlighted snippet alike.
 *
 * The tsvector is a generated column over the stored (sanitized) content: the database
 * computes it inside the send's own insert, so no role ever writes it and the guards on
 * chained columns stay as they are. A deleted message keeps its vector: admins search it.
 */
const WORDS_WITH_ACCENTS = ['word', 'hword', 'hword_part', 'numword', 'numhword']

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists unaccent')
  await knex.raw('create text search configuration chat_search (copy = simple)')
  await knex.raw(
    `alter text search configuration chat_search alter mapping for ${WORDS_WITH_ACCENTS.join(', ')} with unaccent, simple`
  )
  await knex.raw(`alter table chat_messages
    add column search_vector tsvector generated always as (to_tsvector('chat_search', content)) stored`)
  await knex.raw('create index chat_messages_search on chat_messages using gin (search_vector)')
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index chat_messages_search')
  await knex.raw('alter table chat_messages drop column search_vector')
  await knex.raw('drop text search configuration chat_search')
  // The extension stays: another schema object may have come to use it since
}
