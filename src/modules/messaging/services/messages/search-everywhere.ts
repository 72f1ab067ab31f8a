import type { Knex } from 'knex'
import { BadRequest } from '@feathersjs/errors'
import { MATCH_CAP, RECENT_WINDOW } from './search.schema'

/**
 * An admin's search of every channel, at a cost bounded whatever the words.
 *
 * Asked of the whole table at once ("these words, newest first, 21 of them"), PostgreSQL
 * walked the table backwards by id filtering on the words, betting that a page of matches
 * would come soon: a word in few or no messages read every row (1.5 million, 1 s; a
 * person's search of that shape took 64 s on 10 million), and by relevance a common word
 * was ranked in every row.
 * No query shape alone keeps the planner off those plans (it costs a LIMIT as if matches
 * were spread evenly), so the search is done in two bounded steps:
 *
 * 1. newest first, the newest RECENT_WINDOW messages before the cursor, walked by id: a
 *    word common lately fills its page here, as it did before;
 * 2. otherwise (or by relevance) the words are looked up in the channel-and-words GIN
 *    index alone, and at most MATCH_CAP of their messages are read. Up to the cap, that is
 *    every match, so the page (any order, any cursor) is exact; past it, the search is too
 *    broad to order at a bounded cost and is refused with a 400 that says how to narrow it,
 *    as a chat platform's search does, rather than reading the table. The lookup may only
 *    use the index (sequential and plain index scans are switched off for that one
 *    statement), and a statement timeout bounds what reading the index's entries of a
 *    word in most messages costs.
 *
 * What one call reads of chat_messages: at most RECENT_WINDOW + 2 × (MATCH_CAP + 1) rows.
 */
// Far above what a lookup of MATCH_CAP entries takes; below what a word in every one of
// tens of millions of messages would
const LOOKUP_TIMEOUT = '5s'
const QUERY_CANCELED = '57014'

const TOO_BROAD =
  'This search matches too many messages to look through every channel at once: name a channel, or add a word'

// What the search's conditions read of a message (see hitsFrom in search.ts)
const SEARCHED_COLUMNS = ['m.id', 'm.sender_id', 'm.is_deleted', 'm.search_vector']

export interface EverywhereSearch {
  /** the search's hits (conditions, rank and cursor) among the messages of `source`, aliased `m` */
  hitsFrom: (source: string | Knex.QueryBuilder) => Knex.QueryBuilder
  /** hits ordered as asked, a page and one more */
  ordered: (hits: Knex.QueryBuilder, id: string) => Knex.QueryBuilder
  /** tsquery text of every word, the last as a prefix */
  tsquery: string
  byRelevance: boolean
  /** newest first: the cursor's message, where this page starts below */
  before?: number
  limit: number
}

/**
 * The page's hits across every channel: a query bounded by a list of ids found in bounded
 * steps (in an object: a promise resolved with a query builder would run it).
 */
export async function hitsEverywhere(
  db: Knex,
  search: EverywhereSearch
): Promise<{ hits: Knex.QueryBuilder }> {
  const among = (ids: Array<string | number>) => ({
    // One array parameter, not a placeholder per id (there may be MATCH_CAP of them)
    hits: search.ordered(
      search.hitsFrom('chat_messages as m').whereRaw('m.id = any(?::bigint[])', [ids.map(String)]),
      'm.id'
    )
  })
  if (!search.byRelevance) {
    let recent = db('chat_messages as m')
      .select(SEARCHED_COLUMNS)
      .orderBy('m.id', 'desc')
      .limit(RECENT_WINDOW)
    if (search.before !== undefined) recent = recent.where('m.id', '<', search.before)
    const page = await search.ordered(search.hitsFrom(recent.as('m')), 'm.id')
    if (page.length > search.limit) return among(page.map((hit: { id: string }) => hit.id))
    // Short of a page, the window may still have held every message there is: the lookup
    // then finds the same (MATCH_CAP is above RECENT_WINDOW), at the cost of the matches
  }
  const ids = await matchingIds(db, search.tsquery)
  if (ids.length > MATCH_CAP) throw new BadRequest(TOO_BROAD, { field: '$search' })
  return among(ids)
}

/** Up to MATCH_CAP + 1 ids of messages with the words, through the GIN index only. */
async function matchingIds(db: Knex, tsquery: string): Promise<string[]> {
  try {
    return await db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off')
      await trx.raw('set local enable_indexscan = off')
      await trx.raw(`set local statement_timeout = '${LOOKUP_TIMEOUT}'`)
      return trx('chat_messages as m')
        .whereRaw(`m.search_vector @@ to_tsquery('chat_search', ?)`, [tsquery])
        .limit(MATCH_CAP + 1)
        .pluck('m.id')
    })
  } catch (error) {
    if ((error as { code?: string }).code === QUERY_CANCELED)
      throw new BadRequest(TOO_BROAD, { field: '$search' })
    throw error
  }
}
