import type { Mapped } from './normalise'
import { rewrite } from './normalise'

/**
 * Digits written as words, in the languages the guard reads: English, German and
 * Spanish. "oh" is a zero only next to other digits (it is also a sigh).
 */
const DIGIT_WORDS: Record<string, string> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  null: '0',
  eins: '1',
  zwei: '2',
  zwo: '2',
  drei: '3',
  vier: '4',
  fünf: '5',
  fuenf: '5',
  sechs: '6',
  sieben: '7',
  acht: '8',
  neun: '9',
  cero: '0',
  uno: '1',
  dos: '2',
  tres: '3',
  cuatro: '4',
  cinco: '5',
  seis: '6',
  siete: '7',
  ocho: '8',
  nueve: '9'
}

const WORD = new RegExp(`(?<![\\p{L}\\d])(${Object.keys(DIGIT_WORDS).join('|')})(?![\\p{L}\\d])`, 'gu')
const OH_BY_DIGITS = /(?<=\d[\s.-]{0,2})oh(?![\p{L}\d])|(?<![\p{L}\d])oh(?=[\s.-]{0,2}\d)/gu
// "double five", "doppel fünf", "triple 0"
const REPEATED = /(?<![\p{L}])(double|doppel|doble|triple|dreifach)[\s-]+(\d)/gu
// Letters standing in for digits inside a number: 07700 9OO l23
const LOOKALIKE_TOKEN = /(?<![\p{L}\d])(?=[\doil]*\d)(?=[\doil]*[oil])[\doil]{2,}(?![\p{L}\d])/gu
// A token like "9oo" is a number only beside other digits ("io" or "oil" never is: no digit)
const besideDigits = (match: RegExpExecArray) =>
  match[0].replace(/\D/g, '').length >= 4 ||
  /\d[\s.-]{0,2}$/.test(match.input.slice(Math.max(0, match.index - 3), match.index)) ||
  /^[\s.-]{0,2}\d/.test(match.input.slice(match.index + match[0].length, match.index + match[0].length + 3))
const LOOKALIKES: Record<string, string> = { o: '0', i: '1', l: '1' }

// A look-alike token has a digit and a look-alike letter, so one of each side by side
const DIGIT_BY_LOOKALIKE = /\d[oil]|[oil]\d/

/** Spelled-out digits, repeated digits and look-alike letters inside numbers, as digits. */
export function digitsFromWords(mapped: Mapped): Mapped {
  let out = rewrite(mapped, WORD, (match) => DIGIT_WORDS[match[1]])
  // Each rewrite below needs a digit already in the text
  if (!/\d/.test(out.text)) return out
  // twice: "oh oh" after a digit becomes digits one at a time
  for (let pass = 0, before; pass < 2 && before !== out && out.text.includes('oh'); pass++) {
    before = out
    out = rewrite(out, OH_BY_DIGITS, () => '0')
  }
  out = rewrite(out, REPEATED, (match) => match[2].repeat(match[1].startsWith('tri') ? 3 : 2))
  // twice: a look-alike token turned into digits makes its neighbour one beside digits
  for (let pass = 0, before; pass < 2 && before !== out && DIGIT_BY_LOOKALIKE.test(out.text); pass++) {
    before = out
    out = rewrite(out, LOOKALIKE_TOKEN, (match) =>
      besideDigits(match) ? match[0].replace(/[oil]/g, (letter) => LOOKALIKES[letter]) : undefined
    )
  }
  return out
}
