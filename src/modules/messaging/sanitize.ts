// Elements whose body is code or styling, not text: removed with their content
const SCRIPT_OR_STYLE = /<(script|style)\b[^>]*>[\s\S]*?(<\/\1\s*>|$)/gi
const COMMENT = /<!--[\s\S]*?(-->|$)/g
// A tag starts with a letter (or / and a letter) right after '<': "a < b" and "<3" are text
const TAG = /<\/?[a-zA-Z][^<>]*>/g
// C0 and C1 controls and DEL, except tab (\x09) and newline (\x0A)
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g

// Real text needs one or two passes; markup nested deeper is refused instead of costing a pass per level
const MAX_PASSES = 4

export class MalformedMarkup extends Error {}

/**
 * Turns what a client sent into the text that is stored, once, on create: markup
 * removed, control characters dropped, NFC, trimmed. Entities are left as typed.
 */
export function sanitizeContent(raw: string): string {
  let text = raw.replace(SCRIPT_OR_STYLE, '').replace(COMMENT, '')
  // Removing one tag can join the halves of another ("<scr<b>ipt>"): repeat until stable
  for (let pass = 0, previous = ''; previous !== text; pass++) {
    if (pass === MAX_PASSES) throw new MalformedMarkup('The message holds markup nested too deeply')
    previous = text
    text = text.replace(TAG, '').replace(SCRIPT_OR_STYLE, '')
  }
  return text.replace(CONTROL, '').normalize('NFC').trim()
}

/** Length in characters as people count them (code points), not UTF-16 units. */
export const characterCount = (text: string) => {
  let count = 0
  for (const _ of text) count++
  return count
}
