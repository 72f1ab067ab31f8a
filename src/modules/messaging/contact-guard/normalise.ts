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

// Invisible characters and the keycap parts of emoji digits (1️⃣) that split a number for the eye only
const INVISIBLE =
  /[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufe00-\ufe0f\u20e3]/u

/**
 * Each character of the original, folded: compatibility forms (NFKC: full-width,
 * circled, superscript, mathematical digits and letters), other scripts' decimal digits,
 * lower case, accents kept; invisible characters dropped.
 */
export function fold(original: string): Mapped {
  const mapped: Mapped = { text: '', starts: [], ends: [] }
  let offset = 0
  for (const character of original) {
    const start = offset
    offset += character.length
    if (INVISIBLE.test(character)) {
      // it belongs to the character before it: a masked 3️⃣ leaves no keycap behind
      if (mapped.ends.length) mapped.ends[mapped.ends.length - 1] = offset
      continue
    }
    const codePoint = character.codePointAt(0)!
    if (codePoint < 0x80) {
      // most of what people write: nothing to fold but the case
      mapped.text += character.toLowerCase()
      mapped.starts.push(start)
      mapped.ends.push(offset)
      continue
    }
    const folded = asciiDigit(codePoint) ?? character.normalize('NFKC').toLowerCase()
    for (const unit of folded) {
      mapped.text += unit
      for (let i = 0; i < unit.length; i++) {
        mapped.starts.push(start)
        mapped.ends.push(offset)
      }
    }
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
  pattern.lastIndex = 0
  for (let match = pattern.exec(mapped.text); match; match = pattern.exec(mapped.text)) {
    if (match[0] === '') {
      pattern.lastIndex++
      continue
    }
    const replacement = replace(match)
    if (replacement === undefined) continue
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
  }
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
