/**
 * The marketplace's own numbers, which are not phone numbers however many digits they
 * have together: dates, times and time ranges, prices and amounts, and a number that a
 * label names (Booking #4521, invoice 20260312). A run of digits is read as a sequence
 * of these; what is left over (bare groups) is what a phone number is made of.
 */
const STRUCTURED = [
  // 12.03.2026, 12/03/26, 2026-03-12, 12.03.
  /\d{1,2}([./-])\d{1,2}\1(?:\d{4}|\d{2})(?!\d)/y,
  /\d{4}-\d{1,2}-\d{1,2}(?!\d)/y,
  /\d{1,2}\.\d{1,2}\.(?!\d)/y,
  // 6:30, 18.00, 18:00:00
  /(?:[01]?\d|2[0-4])[:.][0-5]\d(?:[:.][0-5]\d)?(?!\d)/y,
  // 1,200.50, 1.200, 12'500 (up to hundreds of millions), 120.50, 7,5
  /[1-9]\d{0,2}(?:[.,'’]\d{3}){1,2}(?:[.,]\d{1,2})?(?!\d)/y,
  /\d+[.,]\d{1,2}(?!\d)/y
]
const BARE = /\d+/y
const BETWEEN = /[\s\-–—/():]*/y

// What may come right before a number that names a record of the marketplace
const LABEL =
  /(?:booking|order|invoice|ref|reference|ticket|job|shift|id|no|nr|number|buchung|auftrag|rechnung|reserva|pedido|factura|#)\s*(?:no\.?|nr\.?|number|#)?\s*[:#.]?\s*$/u
// A bare group this long or shorter is an amount, a postcode or a house number
const MAX_BARE_DIGITS = 6

function sticky(pattern: RegExp, text: string, at: number) {
  pattern.lastIndex = at
  const match = pattern.exec(text)
  return match ? match[0].length : 0
}

/**
 * Whether one comma-separated piece of a run reads as the marketplace's own numbers:
 * structured numbers, with at most one bare group (a house number, an amount).
 */
function isSafeChunk(chunk: string, labelled: boolean): boolean {
  // fewest bare groups from each position to the end (a small search: pieces are short)
  const fewest = new Map<number, number>()
  const bareFrom = (from: number): number => {
    const at = from + sticky(BETWEEN, chunk, from)
    if (at >= chunk.length) return 0
    const known = fewest.get(at)
    if (known !== undefined) return known
    let best = Infinity
    for (const pattern of STRUCTURED) {
      const length = sticky(pattern, chunk, at)
      if (length) best = Math.min(best, bareFrom(at + length))
    }
    const bare = sticky(BARE, chunk, at)
    if (bare && (labelled || bare <= MAX_BARE_DIGITS)) best = Math.min(best, 1 + bareFrom(at + bare))
    fewest.set(at, best)
    return best
  }
  return bareFrom(0) <= 1
}

/**
 * Whether a run of digits and separators is made of safe numbers only: each of its
 * comma-separated pieces (a list of dates, an address's house number and postcode) is.
 * A run written in international form (+44, 0044) is never safe.
 */
export function isSafeRun(run: string, textBefore: string): boolean {
  if (/^(?:\+|00)/.test(run)) return false
  const labelled = LABEL.test(textBefore.slice(-24))
  return run.split(',').every((chunk, index) => isSafeChunk(chunk.trim(), labelled && index === 0))
}
