/**
 * One copy of each of a kind of string that many long-lived objects hold equal copies of
 * (each parsed, read or built on its own): `share(value)` gives back the copy the table
 * holds, which reads the same. Past `mostValues` values the table starts over, so it
 * never grows with what it is given; the values it held before stay correct, only no
 * longer shared with those that come after.
 */
export function sharedStrings(mostValues: number) {
  let values = new Map<string, string>()
  return <T extends string>(value: T): T => {
    const known = values.get(value)
    if (known !== undefined) return known as T
    if (values.size >= mostValues) values = new Map()
    values.set(value, value)
    return value
  }
}
