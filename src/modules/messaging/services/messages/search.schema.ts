import { Type } from '@feathersjs/typebox'
import { Nullable, documented } from '../../../../schema-types'

/** What `$search` adds to the messages query (see search.ts). */
export const MAX_SEARCH_LENGTH = 200
// Beyond this the query is refused by the schema before anything reads it
export const MAX_RAW_SEARCH_LENGTH = 1000
export const MAX_SEARCH_WORDS = 16
// A one-letter prefix matches most of the history: the last word is a prefix from two letters
export const MIN_PREFIX_LENGTH = 2
// An admin's search of every channel reads at most these (see search-everywhere.ts)
export const RECENT_WINDOW = 10_000
export const MATCH_CAP = 2 * RECENT_WINDOW

export const searchQueryProperties = {
  $search: Type.Optional(
    Type.String({
      maxLength: MAX_RAW_SEARCH_LENGTH,
      description: `Full-text search: words (letters and digits; anything else separates them), 1 to ${MAX_SEARCH_LENGTH} characters after trimming, all of which a message must contain; the last word also matches as a prefix (from ${MIN_PREFIX_LENGTH} letters). Accents and case do not matter. Without \`channel_id\`, searches every channel the caller may read; an admin's search of every channel that matches more than ${MATCH_CAP} messages (and, newest first, has not a page of them among the newest ${RECENT_WINDOW}) is a 400 asking to name a channel or add a word. Results carry \`snippet\`: HTML-escaped text in which only \`<mark>\`…\`</mark>\` is markup. Pages have \`total\` -1 and \`next_cursor\`.`,
      // Ana's first message in the docs' example channel: “Good morning, I’m on my way”
      examples: ['good morn']
    })
  ),
  $cursor: Type.Optional(
    Type.String({
      maxLength: 200,
      description:
        'With `$search`: the `next_cursor` of the page before, to read the next one (with the same `$search` and `$sort`; a search is paged by cursor, not `$skip`). An opaque token: a cursor of another order, or made up, is a 400.',
      // what a relevance search's page ending at message 1002 (rank 1) hands on
      examples: ['eyJpZCI6MTAwMiwicmFuayI6MX0']
    })
  )
}

export const searchSortProperties = {
  relevance: Type.Optional(
    Type.Literal(-1, {
      description: 'With `$search`: best matches first (`$sort[relevance]=-1`); otherwise newest first'
    })
  )
}

/** What a page of a `$search` says besides its messages: no count, and where the next page starts. */
export const searchPageProperties = {
  total: Type.Integer({
    minimum: -1,
    description: 'How many records match, on every page; -1 for a `$search`, which does not count them'
  }),
  next_cursor: Type.Optional(
    documented(
      Nullable(Type.String()),
      'With `$search`: where the next page starts, to give as `$cursor` (null: this is the last page)',
      ['eyJpZCI6MTAwMiwicmFuayI6MX0']
    )
  )
}
