/**
 * The marketplace's own numbers, which are not phone numbers however many digits they
 * have together: dates, times and time ranges, prices and amounts, and a number that a
 * label names (Booking #4521, invoice 20260312). A run of digits is read as a sequence
 * of these; what is left over (bare groups) is what a phone number is made of.
 */
// Each has one of STRUCTURED_MARKS in it, which fewestBareGroups relies on
const STRUCTURED = [
  // 12.03.2026, 12/03/26, 2026-03-12, 12.03., 12/03
  /\d{1,2}([./-])\d{1,2}\1(?:\d{4}|\d{2})(?!\d)/y,
  /\d{4}-\d{1,2}-\d{1,2}(?!\d)/y,
  /\d{1,2}\.\d{1,2}\.(?!\d)/y,
  /(?:0?[1-9]|[12]\d|3[01])\/(?:0?[1-9]|1[0-2])(?![\d/])/y,
  // 6:30, 18.00, 18:00:00, and hours from to: 8-17
  /(?:[01]?\d|2[0-4])[:.][0-5]\d(?:[:.][0-5]\d)?(?!\d)/y,
  /(?:[01]?\d|2[0-4])\s?[-–]\s?(?:[01]?\d|2[0-4])(?![\d:.])/y,
  // 1,200.50, 1.200, 12'500, 1.450,00 (the thousands and decimal marks differ), 120.50, 7,5
  /[1-9]\d{0,2}(?:,\d{3}(?:\.\d{1,2})?|\.\d{3}(?:,\d{1,2})?|['’]\d{3}(?:\.\d{1,2})?)(?![.,'’]?\d)/y,
  /\d+[.,]\d{1,2}(?!\d)/y
]
// The marks structured numbers are written with: a piece without any is bare groups only
const STRUCTURED_MARKS = /[./\-–:,'’]/
const BARE = /\d+/y
const BETWEEN = /[\s\-–—/():]*/y

// What may come right before a number that names a record of the marketplace
const LABEL =
  /(?<![\p{L}])(?:booking|order|invoice|ref|reference|ticket|job|shift|buchung|auftrag|rechnung|reserva|pedido|factura)\s*(?:no\.?|nr\.?|number|#)?\s*[:#.-]?\s*$/u
// A bare group this long or shorter is an amount, a postcode or a house number
const MAX_BARE_DIGITS = 6

function sticky(pattern: RegExp, text: string, at: number) {
  pattern.lastIndex = at
  const match = pattern.exec(text)
  return match ? match[0].length : 0
}

/** The fewest bare groups (of at most `maxBareDigits` each) that a piece reads as, with its structured numbers. */
function fewestBareGroups(chunk: string, maxBareDigits: number): number {
  const structured = STRUCTURED_MARKS.test(chunk) ? STRUCTURED : []
  // a small search from each position to the end: pieces are short
  const fewest = new Map<number, number>()
  const bareFrom = (from: number): number => {
    const at = from + sticky(BETWEEN, chunk, from)
    if (at >= chunk.length) return 0
    const known = fewest.get(at)
    if (known !== undefined) return known
    const bare = sticky(BARE, chunk, at)
    // Digits to the end (all of a long number, the common case) are no structured number, which
    // has a mark in it, and BARE takes them at once: one group, or none that fits
    if (at + bare === chunk.length) return bare <= maxBareDigits ? 1 : Infinity
    let best = Infinity
    for (const pattern of structured) {
      const length = sticky(pattern, chunk, at)
      if (length) best = Math.min(best, bareFrom(at + length))
    }
    if (bare && bare <= maxBareDigits) best = Math.min(best, 1 + bareFrom(at + bare))
    fewest.set(at, best)
    return best
  }
  return bareFrom(0)
}

/**
 * Whether one comma-separated piece of a run reads as the marketplace's own numbers:
 * structured numbers with at most one short bare group (a house number, an amount); after
 * a label, one long one (invoice 20260312) or two short ones (JOB-2026-0412).
 */
function isSafeChunk(chunk: string, labelled: boolean): boolean {
  if (fewestBareGroups(chunk, MAX_BARE_DIGITS) <= (labelled ? 2 : 1)) return true
  return labelled && fewestBareGroups(chunk, Infinity) <= 1
}

// A list of bare numbers as long as a phone number, with a long or zero-led part: "078, 4296, 1569"
const isNumberInPieces = (chunks: string[]) =>
  chunks.length >= 2 &&
  chunks.every((chunk) => /^\d+$/.test(chunk)) &&
  chunks.join('').length >= 9 &&
  chunks.some((chunk) => chunk.length >= 4 || chunk.startsWith('0'))

// One digit at a time with marks between (0.7.7.0.0.9…): no date, time or amount looks like that
const isDigitByDigit = (run: string) => (run.match(/(?<!\d)\d(?!\d)/g)?.length ?? 0) >= 7

/**
 * Whether a run of digits and separators is made of safe numbers only: each of its
 * comma-separated pieces (a list of dates, an address's house number and postcode) is.
 * A run written in international form (+44, 0044) is never safe.
 */
export function isSafeRun(run: string, textBefore: string): boolean {
  if (/^(?:\+|00)/.test(run)) return false
  const labelled = LABEL.test(textBefore.slice(-24))
  const chunks = run.split(',').map((chunk) => chunk.trim())
  if (isNumberInPieces(chunks)) return false
  // digit by digit last: a phone number's run (the usual long one) is unsafe chunk by chunk already
  return chunks.every((chunk, index) => isSafeChunk(chunk, labelled && index === 0)) && !isDigitByDigit(run)
}
