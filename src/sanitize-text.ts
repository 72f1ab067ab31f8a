import sanitizeHtml from 'sanitize-html'

// C0 and C1 controls and DEL, except tab (\x09) and newline (\x0A). Removed before parsing:
// removed afterwards, one between '<' and a tag name would reveal a tag the parser had not seen
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g
// The bidirectional embedding, override and isolate controls (LRE, RLE, PDF, LRO, RLO; LRI, RLI,
// FSI, PDI): invisible, they make text read in another order than it is stored ("Trojan Source"),
// so a message or name could show one thing and hold another. The marks (LRM, RLM, ALM) stay:
// they only nudge neutral characters, and right-to-left writers type them
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/g
// What a browser reads as the start of markup: '<' then an ASCII letter, '/', '!' or '?'
const MARKUP_START = /<[a-zA-Z/!?]/
// sanitize-html escapes exactly these three in text; undoing them gives back the parsed text
const ESCAPED = /&(amp|lt|gt);/g
const UNESCAPE: Record<string, string> = { amp: '&', lt: '<', gt: '>' }

// Removing a tag can join the text around it into a new one ("<<b>script>"): real text needs
// one pass, a tag split by another two; deeper tricks are refused instead of costing a pass each
const MAX_PASSES = 2
// Each '<' can cost the parser a tag or a text node, and each open element costs it (and
// sanitize-html) work at every later tag and text node: a text with markup and more '<' than
// any person types is refused, which keeps the time linear in the length
const MAX_ANGLE_BRACKETS = 500

const options: sanitizeHtml.IOptions = {
  allowedTags: [],
  allowedAttributes: {},
  disallowedTagsMode: 'discard',
  // Elements whose body is code, raw text or a fallback, not something people wrote
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'xmp',
    'iframe',
    'noembed',
    'noframes',
    'noscript',
    'title',
    'template',
    'plaintext'
  ]
}

export class MalformedMarkup extends Error {}

const hasTooManyAngleBrackets = (text: string) => {
  let count = 0
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1))
    if (++count > MAX_ANGLE_BRACKETS) return true
  return false
}

/** The text nodes of `text` as a browser's parser would read them, all markup removed. */
const textOf = (text: string) =>
  // '&' escaped first so the parser decodes no entity: one typed as "&lt;" stays as typed
  sanitizeHtml(text.replace(/&/g, '&amp;'), options).replace(ESCAPED, (_, name: string) => UNESCAPE[name])

/**
 * Turns free text a person typed (a message, a name) into the plain text that is stored:
 * markup removed by an HTML parser, control characters and bidirectional override and isolate
 * controls dropped, NFC, trimmed. `a < b & c`,
 * `I <3 you` and entities stay as typed; clients show it as text, never as HTML. Linear in
 * the input's length, as the passes and the '<' the parser meets are bounded. Throws
 * MalformedMarkup for markup it cannot remove within those bounds.
 */
export function sanitizeText(raw: string): string {
  const normalised = raw.replace(CONTROL, '').replace(BIDI_CONTROL, '').normalize('NFC')
  let text = normalised
  let hasMarkup = MARKUP_START.test(text)
  for (let pass = 0; pass < MAX_PASSES && hasMarkup; pass++) {
    if (hasTooManyAngleBrackets(text))
      throw new MalformedMarkup(`Text with markup may hold at most ${MAX_ANGLE_BRACKETS} '<'`)
    const next = textOf(text)
    if (next === text) break
    text = next
    hasMarkup = MARKUP_START.test(text)
  }
  // Left over: markup nested deeper than the passes, or a '</' the parser kept as text at the end
  if (hasMarkup) throw new MalformedMarkup('The text holds markup that cannot be removed safely')
  // NFC again only where removing markup joined text anew: the rest is NFC already
  return (text === normalised ? text : text.normalize('NFC')).trim()
}

/** Length in characters as people count them (code points), not UTF-16 units. */
export const characterCount = (text: string) => {
  let count = 0
  for (const _ of text) count++
  return count
}
