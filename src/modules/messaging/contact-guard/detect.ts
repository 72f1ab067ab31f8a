import { LinkifyIt } from 'linkify-it'
import { parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js'
import type { CountryCode } from 'libphonenumber-js'
import type { Mapped } from './normalise'
import { eachMatch, fold, originalSpan, rewrite } from './normalise'
import { digitsFromWords } from './spelled'
import { isSafeRun } from './safe-numbers'
import { PLATFORM_WORD, SOCIAL_MENTION, isSocialLink } from './social'

export const contactKinds = ['phone', 'email', 'social'] as const
export type ContactKind = (typeof contactKinds)[number]

/** A contact detail found in a message: what kind, and where it is in the text as sent. */
export interface ContactDetail {
  kind: ContactKind
  start: number
  end: number
}

// Digits with what people put between them: spaces, dots, dashes, brackets, slashes
// (a colon joins digits only directly, as in a time: "order 4410: 6 rooms" is two numbers)
const DIGIT_RUN = /\+?\d(?:(?:[\s.\-–—/()_*•·,]{0,3}|:)\d)*/g
const MIN_PHONE_DIGITS = 7
// Past this, no reading of a run as dates, times or amounts makes it anything but a number to call
const SURELY_PHONE_DIGITS = 8

// "at" and "dot" spelled out or bracketed, as in "john (at) gmail [dot] com"
const BRACKETED = (words: string) => `[\\[({<]\\s*(?:${words})\\s*[\\])}>]`
const DOT_WORD = '(?:dot|punkt|punto|point)'
const AT_SPELLED = new RegExp(
  `\\s*${BRACKETED('at|@|ät|arroba|bei')}\\s*|\\s+(?:at|ät|arroba)\\s+(?=[a-z0-9-]+(?:\\.[a-z]|\\s*${BRACKETED(DOT_WORD)}|\\s${DOT_WORD}\\s))|\\s*@\\s*`,
  'gu'
)
const DOT_SPELLED = new RegExp(
  `(?<=@[a-z0-9.-]{0,64}[a-z0-9])(?:\\s*${BRACKETED(`${DOT_WORD}|\\.`)}\\s*|\\s${DOT_WORD}\\s|\\s\\.\\s|\\.)(?=[a-z]{2,})`,
  'gu'
)
// A known mailbox provider needs no top-level domain: "john at gmail" is an address
const MAILBOX_PROVIDER =
  /(?<![\p{L}\d._%+-])[\p{L}\d._%+-]{1,64}@(?:gmail|googlemail|hotmail|yahoo|outlook|icloud|gmx|web|live|aol|proton(?:mail)?|yandex|mail|msn|me)(?![\p{L}\d])/gu
// "john at gmail" without a dot: only a provider after a bare "at" makes it an address
const AT_PROVIDER =
  /(?<=[\p{L}\d._-])\s+(?:at|ät|arroba)\s+(?=(?:gmail|googlemail|hotmail|yahoo|outlook|icloud|gmx|proton(?:mail)?|yandex)(?![\p{L}\d]))/gu

const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: true })

export interface DetectOptions {
  /** the countries whose national numbering a number without +country code is read in */
  regions: CountryCode[]
}

function isPhone(run: string, textBefore: string, regions: CountryCode[]): boolean {
  const digits = run.replace(/\D/g, '')
  if (digits.length < MIN_PHONE_DIGITS || digits.length > 17) return false
  if (/^(?:\+|00)/.test(run)) {
    const international = parsePhoneNumberFromString(`+${digits.replace(/^00/, '')}`)
    return international?.isPossible() === true || digits.length >= SURELY_PHONE_DIGITS
  }
  if (isSafeRun(run, textBefore)) return false
  if (digits.length >= SURELY_PHONE_DIGITS) return true
  return regions.some(
    (region) =>
      parsePhoneNumberFromString(digits, region)?.isValid() || !validatePhoneNumberLength(digits, region)
  )
}

function phones(mapped: Mapped, regions: CountryCode[]): ContactDetail[] {
  const found: ContactDetail[] = []
  if (!/\d/.test(mapped.text)) return found
  eachMatch(DIGIT_RUN, mapped.text, (match) => {
    const run = match[0]
    const before = mapped.text.slice(Math.max(0, match.index - 24), match.index)
    if (isPhone(run, before, regions)) {
      found.push({ kind: 'phone', ...originalSpan(mapped, match.index, match.index + run.length) })
    }
  })
  return found
}

// Where "at" could be spelled: an '@', or "at", "ät", "arroba" or "bei" right after a space or
// an opening bracket. AT_PROVIDER and AT_SPELLED match nothing in a text without one
const MAY_SPELL_AT = /@|[\s[({<](?:at|ät|arroba|bei)/
// Of what linkify finds, only addresses (with an '@') and social links count, and every social
// host has a dot and a letter (wa.me, t.me, …); MAILBOX_PROVIDER needs an '@' too
const DOT_LETTER = /\.[a-z]/

function addressesAndLinks(folded: Mapped): ContactDetail[] {
  let mapped = folded
  if (MAY_SPELL_AT.test(mapped.text)) {
    mapped = rewrite(mapped, AT_PROVIDER, () => '@')
    mapped = rewrite(mapped, AT_SPELLED, () => '@')
  }
  if (!mapped.text.includes('@') && !DOT_LETTER.test(mapped.text)) return []
  // again for each further dot: "co [dot] uk" follows a rewritten "gmail [dot] co"; a dot is
  // spelled only after an '@' (DOT_SPELLED looks behind for one)
  for (let pass = 0, before; pass < 3 && before !== mapped && mapped.text.includes('@'); pass++) {
    before = mapped
    mapped = rewrite(mapped, DOT_SPELLED, () => '.')
  }
  // No address or link is longer than 254 characters; a longer word would only cost time
  const text =
    mapped.text.length < 255
      ? mapped.text
      : mapped.text.replace(/\S{255,}/g, (word) => ' '.repeat(word.length))
  const found: ContactDetail[] = []
  for (const link of linkify.match(text) ?? []) {
    const span = originalSpan(mapped, link.index, link.lastIndex)
    if (link.schema === 'mailto:') found.push({ kind: 'email', ...span })
    else if (isSocialLink(link.url)) found.push({ kind: 'social', ...span })
  }
  // every provider's address has an '@' (AT_PROVIDER wrote one for "at")
  if (!text.includes('@')) return found
  eachMatch(MAILBOX_PROVIDER, text, (match) => {
    found.push({ kind: 'email', ...originalSpan(mapped, match.index, match.index + match[0].length) })
  })
  return found
}

function mentions(folded: Mapped): ContactDetail[] {
  const found: ContactDetail[] = []
  if (!PLATFORM_WORD.test(folded.text)) return found
  eachMatch(SOCIAL_MENTION, folded.text, (match) => {
    found.push({ kind: 'social', ...originalSpan(folded, match.index, match.index + match[0].length) })
  })
  return found
}

/** Overlapping findings become one, of the kind found first in the text. */
function merged(findings: ContactDetail[]): ContactDetail[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end)
  const out: ContactDetail[] = []
  for (const finding of sorted) {
    const last = out.at(-1)
    if (last && finding.start < last.end) last.end = Math.max(last.end, finding.end)
    else out.push({ ...finding })
  }
  return out
}

/**
 * The contact details in a message: phone numbers, e-mail addresses and messaging or
 * social handles, however they are written (see README, Contact-details guard), with
 * their place in the text as sent.
 */
export function detectContactDetails(text: string, options: DetectOptions): ContactDetail[] {
  const folded = fold(text)
  return merged([
    ...phones(digitsFromWords(folded), options.regions),
    ...addressesAndLinks(folded),
    ...mentions(folded)
  ])
}
