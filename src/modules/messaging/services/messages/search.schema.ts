import { Type } from '@feathersjs/typebox'

/** What `$search` adds to the messages query (see search.ts). */
export const MAX_SEARCH_LENGTH = 200
// Beyond this the query is refused by the schema before anything reads it
export const MAX_RAW_SEARCH_LENGTH = 1000
export const MAX_SEARCH_WORDS = 16
// A one-letter prefix matches most of the history: the last word is a prefix from two letters
export const MIN_PREFIX_LENGTH = 2

export const searchQueryProperties = {
  $search: Type.Optional(
    Type.String({
      maxLength: MAX_RAW_SEARCH_LENGTH,
      description: `Full-text search: words (letters and digits; anything else separates them), 1 to ${MAX_SEARCH_LENGTH} characters after trimming, all of which a message must contain; the last word also matches as a prefix (from ${MIN_PREFIX_LENGTH} letters). Accents and case do not matter. Without \`channel_id\`, searches every channel the caller may read. Results carry \`snippet\`: HTML-escaped text in which only \`<mark>\`…\`</mark>\` is markup. Pages have \`total\` -1 and \`next_cursor\`.`,
      examples: ['cafe zur']
    })
  ),
  $cursor: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'With `$search`: the `next_cursor` of the page before, to read the next one.'
    })
  )
}

export const searchSortProperties = {
  relevance: Type.Optional(Type.Literal(-1, { description: 'With `$search`: best matches first.' }))
}
