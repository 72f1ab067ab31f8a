/**
 * A text rewritten for detection that still knows, for each of its characters, which
 * characters of the original it came from: findings are found in the rewritten text and
 * masked in the original.
 */
export interface Mapped {
  text: string
  /** for each character of `text`, the offset in the original where its source starts */
  starts: number[]
  /** … and where it ends (exclusive) */
  ends: number[]
}

// The zeros of the decimal digit blocks people paste in (NFKC already folds full-width,
// mathematical and circled forms); each block runs zero to nine
const DIGIT_ZEROS = [
  0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0de6,
  0x0e50, 0x0ed0, 0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0xa8d0, 0xa900, 0xaa50
]

function asciiDigit(codePoint: number): string | undefined {
  for (const zero of DIGIT_ZEROS) {
    if (codePoint >= zero && codePoint <= zero + 9) return String(codePoint - zero)
  }
  return undefined
}

// Invisible characters and the keycap parts of emoji digits (1️⃣) that split a number for the
// eye only, as [first, last] code points. None is below U+00AD, so ASCII is never invisible
const INVISIBLE: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x2064],
  [0x20e3, 0x20e3],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff]
]

const isInvisible = (codePoint: number) =>
  codePoint >= 0x00ad && INVISIBLE.some(([first, last]) => codePoint >= first && codePoint <= last)

/** The end of the run of ASCII characters from `from` on. */
function asciiRunEnd(text: string, from: number): number {
  let end = from
  while (end < text.length && text.charCodeAt(end) < 0x80) end++
  return end
}

/**
 * Characters `from`..`to` of the original, all ASCII, folded at once: ASCII has nothing to
 * fold but the case and nothing invisible (none is below U+00AD), and lower-casing it keeps
 * each character in its place. Most of what people write is one such run.
 */
function appendAscii(mapped: Mapped, original: string, from: number, to: number) {
  mapped.text += original.slice(from, to).toLowerCase()
  for (let offset = from; offset < to; offset++) {
    mapped.starts.push(offset)
    mapped.ends.push(offset + 1)
  }
}

/** Folds the character (code point, or lone surrogate) at `at`, a non-ASCII one; returns where the next starts. */
function appendFolded(mapped: Mapped, original: string, at: number): number {
  const codePoint = original.codePointAt(at)!
  const next = at + (codePoint > 0xffff ? 2 : 1)
  if (isInvisible(codePoint)) {
    // it belongs to the character before it: a masked 3️⃣ leaves no keycap behind
    if (mapped.ends.length) mapped.ends[mapped.ends.length - 1] = next
    return next
  }
  const folded = asciiDigit(codePoint) ?? original.slice(at, next).normalize('NFKC').toLowerCase()
  mapped.text += folded
  for (let i = 0; i < folded.length; i++) {
    mapped.starts.push(at)
    mapped.ends.push(next)
  }
  return next
}

/**
 * Each character of the original, folded: compatibility forms (NFKC: full-width,
 * circled, superscript, mathematical digits and letters), other scripts' decimal digits,
 * lower case, accents kept; invisible characters dropped.
 */
export function fold(original: string): Mapped {
  const mapped: Mapped = { text: '', starts: [], ends: [] }
  for (let at = 0; at < original.length;) {
    const asciiEnd = asciiRunEnd(original, at)
    if (asciiEnd > at) appendAscii(mapped, original, at, asciiEnd)
    at = asciiEnd < original.length ? appendFolded(mapped, original, asciiEnd) : asciiEnd
  }
  return mapped
}

/**
 * Replaces each match of `pattern` (global) by what `replace` returns; the replacement's
 * characters all come from the whole match in the original.
 */
export function rewrite(
  mapped: Mapped,
  pattern: RegExp,
  replace: (match: RegExpExecArray) => string | undefined
): Mapped {
  const out: Mapped = { text: '', starts: [], ends: [] }
  let last = 0
  const copy = (from: number, to: number) => {
    out.text += mapped.text.slice(from, to)
    for (let i = from; i < to; i++) {
      out.starts.push(mapped.starts[i])
      out.ends.push(mapped.ends[i])
    }
  }
  eachMatch(pattern, mapped.text, (match) => {
    const replacement = match[0] === '' ? undefined : replace(match)
    if (replacement === undefined) return
    const from = match.index
    const to = from + match[0].length
    copy(last, from)
    const start = mapped.starts[from]
    const end = mapped.ends[to - 1]
    out.text += replacement
    for (let i = 0; i < replacement.length; i++) {
      out.starts.push(start)
      out.ends.push(end)
    }
    last = to
  })
  // nothing replaced: the same text, and the callers' passes can stop
  if (last === 0) return mapped
  copy(last, mapped.text.length)
  return out
}

/** The original offsets that characters `from`..`to` (exclusive) of the mapped text came from. */
export const originalSpan = (mapped: Mapped, from: number, to: number) => ({
  start: mapped.starts[from],
  end: mapped.ends[to - 1]
})

/**
 * Calls `visit` with each match of `pattern` (global) in `text`, as `text.matchAll` would,
 * on the pattern itself: matchAll copies the pattern, and V8 compiles the copy anew each call.
 */
export function eachMatch(pattern: RegExp, text: string, visit: (match: RegExpExecArray) => void) {
  pattern.lastIndex = 0
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    visit(match)
    // as matchAll: past an empty match by one character (a whole code point under the u flag)
    if (match[0] === '') pattern.lastIndex = nextIndex(text, pattern.lastIndex, pattern.unicode)
  }
}

const nextIndex = (text: string, index: number, unicode: boolean) =>
  unicode && index + 1 < text.length && (text.codePointAt(index) ?? 0) > 0xffff ? index + 2 : index + 1
