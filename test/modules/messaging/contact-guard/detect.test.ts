import assert from 'assert'
import { detectContactDetails } from '../../../../src/modules/messaging/contact-guard/detect'
import type { ContactKind } from '../../../../src/modules/messaging/contact-guard/detect'
import { DEFAULT_CONTACT_GUARD, maskedText } from '../../../../src/modules/messaging/contact-guard/policy'
import { eachMatch } from '../../../../src/modules/messaging/contact-guard/normalise'

const found = (text: string) =>
  detectContactDetails(text, DEFAULT_CONTACT_GUARD).map(({ kind, start, end }) => ({
    kind,
    text: text.slice(start, end)
  }))

const HIDING: [string, string, ContactKind, string][] = [
  ['spelled-out digits with a comma', 'five five five, 12 34', 'phone', 'five five five, 12 34'],
  [
    'German spelled digits',
    'ruf an: null eins fünf eins, zwei drei vier fünf sechs sieben acht',
    'phone',
    'null eins fünf eins, zwei drei vier fünf sechs sieben acht'
  ],
  [
    'Spanish spelled digits',
    'mi número es seis uno dos tres cuatro cinco seis siete ocho',
    'phone',
    'seis uno dos tres cuatro cinco seis siete ocho'
  ],
  [
    '"oh" for zero',
    'oh seven seven oh oh nine oh oh one two three',
    'phone',
    'oh seven seven oh oh nine oh oh one two three'
  ],
  [
    '"double" digits',
    'seven seven double oh nine double oh one two three',
    'phone',
    'seven seven double oh nine double oh one two three'
  ],
  ['full-width digits', 'call ０７７００ ９００１２３', 'phone', '０７７００ ９００１２３'],
  ['Arabic-Indic digits', 'رقمي ٠٧٧٠٠٩٠٠١٢٣', 'phone', '٠٧٧٠٠٩٠٠١٢٣'],
  ['mathematical digits', 'tel 𝟎𝟕𝟕𝟎𝟎𝟗𝟎𝟎𝟏𝟐𝟑', 'phone', '𝟎𝟕𝟕𝟎𝟎𝟗𝟎𝟎𝟏𝟐𝟑'],
  ['emoji keycap digits', '0️⃣7️⃣7️⃣0️⃣0️⃣9️⃣0️⃣0️⃣1️⃣2️⃣3️⃣', 'phone', '0️⃣7️⃣7️⃣0️⃣0️⃣9️⃣0️⃣0️⃣1️⃣2️⃣3️⃣'],
  ['spaces between digits', 'ring 0 7 7 0 0 9 0 0 1 2 3 later', 'phone', '0 7 7 0 0 9 0 0 1 2 3'],
  ['dots between digits', '0.7.7.0.0.9.0.0.1.2.3', 'phone', '0.7.7.0.0.9.0.0.1.2.3'],
  ['zero-width spaces', 'call 07700\u200b900\u200b123', 'phone', '07700\u200b900\u200b123'],
  ['letters for digits', 'my number 07700 9OO l23', 'phone', '07700 9OO l23'],
  ['pieces separated by commas', 'here: 078, 4296, 1569', 'phone', '078, 4296, 1569'],
  ['international form', 'text me: +44 7700 900123', 'phone', '+44 7700 900123'],
  ['00 international prefix', 'call 0049 151 12345678', 'phone', '0049 151 12345678'],
  ['US form with brackets', 'reach me at (415) 555-0132', 'phone', '415) 555-0132'],
  ['plain e-mail', 'anna.berg@gmail.com', 'email', 'anna.berg@gmail.com'],
  ['at/dot spelled', 'john at gmail dot com', 'email', 'john at gmail dot com'],
  ['bracketed at/dot', 'john [at] gmail [dot] co [dot] uk', 'email', 'john [at] gmail [dot] co [dot] uk'],
  ['parenthesised at/dot', 'john(at)gmail(dot)com', 'email', 'john(at)gmail(dot)com'],
  ['spaced symbols', 'anna @ outlook . com', 'email', 'anna @ outlook . com'],
  ['provider without a domain', 'write to anna at hotmail', 'email', 'anna at hotmail'],
  ['Spanish arroba/punto', 'maria arroba gmail punto com', 'email', 'maria arroba gmail punto com'],
  ['German punkt', 'anna at web punkt de', 'email', 'anna at web punkt de'],
  ['wa.me link', 'wa.me/447700900123', 'social', 'wa.me/447700900123'],
  ['t.me link', 'here t.me/jonny_b', 'social', 't.me/jonny_b'],
  ['instagram link', 'https://instagram.com/maria.k', 'social', 'https://instagram.com/maria.k'],
  ['"find me on insta"', 'find me on insta', 'social', 'on insta'],
  ['"whatsapp me"', 'whatsapp me later', 'social', 'whatsapp me'],
  ['platform with a handle', 'telegram: @bobby_w', 'social', 'telegram: @bobby_w'],
  ['"my ig is"', 'my ig is maria.kov', 'social', 'my ig is maria.kov'],
  [
    'upper-case spelled digits',
    'CALL SEVEN SEVEN ZERO ZERO NINE ZERO ZERO ONE TWO THREE',
    'phone',
    'SEVEN SEVEN ZERO ZERO NINE ZERO ZERO ONE TWO THREE'
  ],
  ['after characters that fold to more or fewer', 'İ ﬁ 😀 call 07700 900123', 'phone', '07700 900123'],
  ['a long number after a time, in one run', 'from 18:00 1234567', 'phone', '18:00 1234567']
]

const SAFE = [
  ['a time', 'see you at 6:30'],
  ['a time range with dots', 'Shift is 18.00-22.00'],
  ['hours from to', 'Mon 7-15, Tue 15-23'],
  ['prices', '€120 per day, 120.50 with travel, £1,250.00 a month, 1.450 € a week'],
  ['dates', '12.03.2026, 12/03 and 2026-03-12'],
  ['a date and a time range', '12.03. 18:00-22:00'],
  ['a booking number', 'Booking #4521 starts at 7'],
  ['a long labelled number', 'Invoice 20260312 was paid'],
  ['a reference in two parts', 'The job reference is JOB-2026-0412'],
  ['a street address with postcode', 'Hauptstraße 12, 10115 Berlin'],
  ['a UK postcode', '221B Baker Street, London NW1 6XE'],
  ['a US address', '1200 Market St, San Francisco, CA 94102'],
  ['a number after a colon', 'Order 4410: 6 rooms, 2 floors'],
  ['"at" that is not an address', 'see you at work. do you need gloves?'],
  ['"one" in small talk', 'Oh, one more thing: bring your shoes'],
  ['a mention of someone', '@Anna can you confirm the slot?'],
  ['a plain website link', 'the menu is on example-restaurant.com'],
  ['a door code', 'The code for the door is 4711'],
  ['a time and a six-digit number in one run', 'from 18:00 123456'],
  ['a labelled long number after a date', 'Invoice 12.03.2026 1234567'],
  ['hours with an en dash and a number in one run', 'Mon 8–17 12345'],
  ['a day and month with a slash and a number in one run', 'on 12/03 123456']
]

describe('the contact-details detector', () => {
  describe('finds details however they are hidden', () => {
    for (const [technique, text, kind, detail] of HIDING) {
      it(technique, () => {
        assert.deepStrictEqual(found(text), [{ kind, text: detail }])
      })
    }
  })

  describe('leaves the marketplace’s own numbers and words alone', () => {
    for (const [what, text] of SAFE) {
      it(what, () => assert.deepStrictEqual(found(text), []))
    }
  })

  it('masks by the offsets of the text as sent, whatever the normalising changed', () => {
    const text = 'Hi! ｃａｌｌ ０７７００ ９００１２３ or anna [at] gmail [dot] com, Booking #4521'
    assert.strictEqual(
      maskedText(text, detectContactDetails(text, DEFAULT_CONTACT_GUARD)),
      'Hi! ｃａｌｌ [phone number hidden] or [e-mail address hidden], Booking #4521'
    )
  })

  it('reads the longest message there is (4,000 characters) of any shape without stalling', () => {
    const shapes = [
      'a',
      '1',
      'a.',
      '1-',
      'o1',
      '1 ',
      '12.03.2026 ',
      '1, ',
      'oh 1 ',
      'a at b dot ',
      '[at]',
      'ab1.'
    ]
    for (const shape of shapes) {
      const text = shape.repeat(Math.ceil(4000 / shape.length)).slice(0, 4000)
      const started = process.hrtime.bigint()
      detectContactDetails(text, DEFAULT_CONTACT_GUARD)
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      // about 10 ms of CPU each when measured alone; the bound leaves room for a busy machine
      assert.ok(ms < 1500, `"${shape}…" took ${ms} ms`)
    }
  })

  it('finds each match as matchAll does, empty ones and astral characters too', () => {
    const cases: [RegExp, string][] = [
      [/x*/g, 'axxb😀'],
      [/(?:)/gu, 'a😀b\ud800'],
      [/(?:)/g, 'a😀b'],
      [/\d+/g, 'a 12 b 345']
    ]
    for (const [pattern, text] of cases) {
      const found: [number, string][] = []
      eachMatch(pattern, text, (match) => {
        // a loop that does not move past an empty match fails here rather than running on
        if (found.push([match.index, match[0]]) > text.length + 1) throw new Error('no progress')
      })
      const expected = [...text.matchAll(pattern)].map((match): [number, string] => [match.index, match[0]])
      assert.deepStrictEqual(found, expected, `${pattern} over ${JSON.stringify(text)}`)
    }
  })
})
