// A Map normalizes -0 to 0 and finds NaN by NaN (SameValueZero)
const sameKey = (a: unknown, b: unknown) => a === b || (a !== a && b !== b)
const NONE = Symbol('no entry')

/**
 * A Map that holds its first entry itself and makes a real one for its second: an empty
 * `new Map()` holds a table with room for four entries (0.15 KB), and Socket.io gives
 * every connection three that hold one entry or none for the connection's whole life
 * (its sockets by id and by namespace, one of each, and the answers it awaits to what it
 * sends with an acknowledgement, which this app never does). Every method of a Map; once
 * it has held two entries, a real Map answers them all. Iterating a map of one entry or
 * none goes over a copy: an entry set or deleted meanwhile is not seen, where a Map would
 * see it (Socket.io's iterations end its sockets and add none).
 */
export class SmallMap<K, V> implements Map<K, V> {
  private key: K | typeof NONE = NONE
  private value?: V
  private map?: Map<K, V>

  constructor(entries?: Iterable<readonly [K, V]>) {
    if (entries) for (const [key, value] of entries) this.set(key, value)
  }

  get size() {
    return this.map ? this.map.size : this.key === NONE ? 0 : 1
  }

  get(key: K) {
    if (this.map) return this.map.get(key)
    return this.key !== NONE && sameKey(this.key, key) ? this.value : undefined
  }

  has(key: K) {
    if (this.map) return this.map.has(key)
    return this.key !== NONE && sameKey(this.key, key)
  }

  set(key: K, value: V) {
    if (this.map) this.map.set(key, value)
    else if (this.key === NONE || sameKey(this.key, key)) {
      if (this.key === NONE) this.key = (key === 0 ? 0 : key) as K
      this.value = value
    } else {
      this.map = new Map([[this.key, this.value as V]])
      this.map.set(key, value)
      this.forgetEntry()
    }
    return this
  }

  delete(key: K) {
    if (this.map) return this.map.delete(key)
    if (!this.has(key)) return false
    this.forgetEntry()
    return true
  }

  clear() {
    if (this.map) this.map.clear()
    else this.forgetEntry()
  }

  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown) {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this)
  }

  entries() {
    return this.asMap().entries()
  }

  keys() {
    return this.asMap().keys()
  }

  values() {
    return this.asMap().values()
  }

  [Symbol.iterator]() {
    return this.entries()
  }

  get [Symbol.toStringTag]() {
    return 'Map'
  }

  private asMap(): Map<K, V> {
    return this.map ?? new Map(this.key === NONE ? [] : [[this.key, this.value as V]])
  }

  private forgetEntry() {
    this.key = NONE
    this.value = undefined
  }
}
