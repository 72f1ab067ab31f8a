import type { Knex } from 'knex'
import type { Paginated } from '@feathersjs/feathers'
import { BadRequest } from '@feathersjs/errors'
import escapeHtml from 'escape-html'
import type { Application } from '../../../../declarations'
import {
  maySeeHiddenDetails,
  moderates,
  participationsSql,
  requireChannelAccess
} from '../../access/channel-access'
import type { Caller } from '../../access/channel-access'
import type { Id } from '../../../../schema-types'
import { pageBounds } from '../../page'
import { MESSAGE_COLUMNS } from './messages.schema'
import { hitsEverywhere } from './search-everywhere'
import { MAX_SEARCH_LENGTH, MAX_SEARCH_WORDS, MIN_PREFIX_LENGTH } from './search.schema'
import type { Message, MessageQuery } from './messages.schema'

export interface MessageSearchPage extends Paginated<Message & { snippet: string }> {
  /** where the next page starts, or null on the last page */
  next_cursor: string | null
}

type Cursor = { id: number; rank?: number }

// The words of a search: letters and digits, so no operator, quote or SQL character of the
// input ever reaches the query parser; the database folds case and accents itself
export function searchWords(search: string): string[] {
  const trimmed = search.trim()
  if (!trimmed) throw new BadRequest('$search needs some text', { field: '$search' })
  if ([...trimmed].length > MAX_SEARCH_LENGTH) {
    throw new BadRequest(`$search has at most ${MAX_SEARCH_LENGTH} characters`, { field: '$search' })
  }
  return (trimmed.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_SEARCH_WORDS)
}

const isPrefix = (word: string) => [...word].length >= MIN_PREFIX_LENGTH

/** tsquery text of words, all required, the last also as a prefix (unless told): only quoted letters and digits. */
export function tsqueryOf(words: string[], lastAsPrefix = true): string {
  return words
    .map((word, index) => {
      const prefix = lastAsPrefix && index === words.length - 1 && isPrefix(word)
      return `'${word}'${prefix ? ':*' : ''}`
    })
    .join(' & ')
}

/**
 * The search's conditions on `m`. A prefix is matched in the index by collecting every
 * entry of every word it begins, over the whole table, on each scan: asked once per
 * channel of a person's 500, `'10':*` cost seconds. So, except for an admin's search of
 * every channel (one scan), the words typed out are looked up in the index and the prefix
 * is checked on the rows they, or the channel's index, lead to (`ts_match_vq` is `@@`
 * written so that no index takes it).
 */
function matchWords(hits: Knex.QueryBuilder, words: string[], prefixInIndex: boolean) {
  const typing = !prefixInIndex && isPrefix(words[words.length - 1])
  const whole = typing ? words.slice(0, -1) : words
  if (whole.length)
    hits.whereRaw(`m.search_vector @@ to_tsquery('chat_search', ?)`, [tsqueryOf(whole, !typing)])
  if (typing)
    hits.whereRaw(`ts_match_vq(m.search_vector, to_tsquery('chat_search', ?))`, [tsqueryOf(words.slice(-1))])
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url')

function decodeCursor(text: string, byRelevance: boolean): Cursor {
  let cursor: any
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    cursor = undefined
  }
  const validId = Number.isSafeInteger(cursor?.id) && cursor.id > 0
  // A rank is a float4 from ts_rank: anything a real cannot hold would fail in the database
  const rank = cursor?.rank
  const validRank =
    !byRelevance || (typeof rank === 'number' && (rank === 0 || (rank >= 1e-30 && rank <= 1e30)))
  if (!validId || !validRank)
    throw new BadRequest('$cursor is not a cursor of this search', { field: '$cursor' })
  return cursor
}

// Control characters never stay in stored content (see sanitize-text), so they can mark
// highlights unambiguously; they are removed from the content first all the same
const START = '\u0002'
const STOP = '\u0003'
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxWords=35, MinWords=15, ShortWord=0`

/** The snippet as HTML: everything escaped, then the highlights marked. */
const snippetHtml = (headline: string) =>
  escapeHtml(headline).replaceAll(START, '<mark>').replaceAll(STOP, '</mark>')

/**
 * Messages containing the words of `$search`, in one channel or in every channel the
 * caller may read (the policy's own SQL for participation), newest or best first, a
 * page at a time after a cursor. Deleted messages only for who may see the record and
 * asks for them. Snippets are computed for the page's rows only.
 */
export async function searchMessages(
  app: Application,
  query: MessageQuery,
  caller: Caller
): Promise<MessageSearchPage> {
  const db: Knex = app.get('postgresqlClient')
  const words = searchWords(query.$search!)
  const byRelevance = query.$sort?.relevance === -1
  const cursor = query.$cursor === undefined ? undefined : decodeCursor(query.$cursor, byRelevance)
  const { limit } = pageBounds(app, query)
  if (query.channel_id !== undefined) await requireChannelAccess(db, query.channel_id, caller)
  if (words.length === 0 || limit === 0) return { total: -1, limit, skip: 0, data: [], next_cursor: null }

  const tsquery = db.raw(`to_tsquery('chat_search', ?)`, [tsqueryOf(words)])
  const everywhere = query.channel_id === undefined && moderates(caller)
  // The search's conditions on the messages of `source` (aliased m), with its rank and cursor
  const hitsFrom = (source: string | Knex.QueryBuilder) => {
    const hits = db.from(source).select('m.id')
    matchWords(hits, words, everywhere)
    // A masked message never matches for someone who sees it masked: its words as sent are in
    // the index, and prefix matches would otherwise spell a hidden number out digit by digit
    if (!maySeeHiddenDetails(caller))
      hits.whereNotExists(
        db('chat_contact_findings as f')
          .select(db.raw('1'))
          .whereRaw('f.message_id = m.id')
          .where('f.policy', 'mask')
      )
    if (!(moderates(caller) && query.$withDeleted === true)) hits.where('m.is_deleted', false)
    else if (query.is_deleted !== undefined) hits.where('m.is_deleted', query.is_deleted)
    inSenders(hits, query.sender_id)
    if (byRelevance) {
      hits.select(db.raw('ts_rank(m.search_vector, ?) as rank', [tsquery]))
      if (cursor)
        hits.whereRaw('(ts_rank(m.search_vector, ?), m.id) < (?::real, ?)', [
          tsquery,
          cursor.rank!,
          cursor.id
        ])
    } else if (cursor) hits.where('m.id', '<', cursor.id)
    return hits
  }
  const ordered = (builder: Knex.QueryBuilder, id: string) =>
    builder.orderByRaw(byRelevance ? `rank desc, ${id} desc` : `${id} desc`).limit(limit + 1)

  let found: Knex.QueryBuilder
  if (query.channel_id !== undefined)
    found = ordered(hitsFrom('chat_messages as m').where('m.channel_id', query.channel_id), 'm.id')
  else if (everywhere)
    found = (
      await hitsEverywhere(db, {
        hitsFrom,
        ordered,
        tsquery: tsqueryOf(words),
        byRelevance,
        before: byRelevance ? undefined : cursor?.id,
        limit
      })
    ).hits
  else
    found = ordered(
      inEachChannel(db, hitsFrom('chat_messages as m'), caller.user?.id ?? 0, byRelevance, limit + 1).select(
        byRelevance ? ['hit.id', 'hit.rank'] : ['hit.id']
      ),
      'hit.id'
    )

  const rows: Array<Message & { headline: string; rank?: number }> = await db
    .from(found.as('hit'))
    .join('chat_messages as m', 'm.id', 'hit.id')
    .select(MESSAGE_COLUMNS.map((column) => `m.${column}`))
    .select(byRelevance ? ['hit.rank'] : [])
    .select(
      db.raw(`ts_headline('chat_search', translate(m.content, ?, ''), ?, ?) as headline`, [
        START + STOP,
        tsquery,
        HEADLINE_OPTIONS
      ])
    )
    .orderByRaw(byRelevance ? 'hit.rank desc, m.id desc' : 'm.id desc')

  const more = rows.length > limit
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  const data = page.map(({ headline, rank: _rank, ...message }) => ({
    ...message,
    snippet: snippetHtml(headline)
  }))
  return {
    total: -1,
    limit,
    skip: 0,
    data,
    next_cursor: more
      ? encodeCursor({ id: last.id, ...(byRelevance ? { rank: Number(last.rank) } : {}) })
      : null
  }
}

/**
 * The page across the caller's channels, found channel by channel: each channel's own
 * best or newest `limit + 1` matches, then the page among those. Asked of the whole table
 * at once, a word rare in the person's channels had PostgreSQL walk every message
 * backwards by id looking for them; one channel at a time, it reads that channel's entries
 * of the channel-and-words index, or its visible messages newest first until a page
 * matches (`seq` and `id` rise together within a channel: a send locks its channel row
 * before taking either), so the cost is bounded by the person's own channels.
 */
function inEachChannel(
  db: Knex,
  hits: Knex.QueryBuilder,
  userId: Id,
  byRelevance: boolean,
  perChannel: number
) {
  const inChannel = hits
    .whereRaw('m.channel_id = mine.channel_id')
    .orderByRaw(byRelevance ? 'rank desc, m.id desc' : 'm.seq desc')
    .limit(perChannel)
  return db
    .from(db.raw(`(${participationsSql('?')}) as mine`, [userId]))
    .crossJoin(db.raw('lateral ? as hit', [inChannel]) as any)
}

function inSenders(builder: Knex.QueryBuilder, sender: MessageQuery['sender_id']) {
  if (typeof sender === 'number') builder.where('m.sender_id', sender)
  else if (sender) builder.whereNot('m.sender_id', sender.$ne as Id)
}
