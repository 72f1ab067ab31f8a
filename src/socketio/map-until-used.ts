/**
 * A Map that allocates its table when the first entry is set: an empty `new Map()` holds
 * a table with room for four entries (0.15 KB), which Socket.io gives every connection for
 * the answers it awaits to what it sends with an acknowledgement, although this app never
 * sends one and most connections never hold an entry. Every method of a Map, answered by
 * a real one once there is one (iteration as a Map iterates).
 */
export class MapUntilUsed<K, V> implements Map<K, V> {
  private map?: Map<K, V>

  get size() {
    return this.map?.size ?? 0
  }

  get(key: K) {
    return this.map?.get(key)
  }

  has(key: K) {
    return this.map?.has(key) ?? false
  }

  set(key: K, value: V) {
    ;(this.map ??= new Map()).set(key, value)
    return this
  }

  delete(key: K) {
    return this.map?.delete(key) ?? false
  }

  clear() {
    this.map?.clear()
  }

  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown) {
    this.map?.forEach((value, key) => callback.call(thisArg, value, key, this))
  }

  entries() {
    return (this.map ?? new Map<K, V>()).entries()
  }

  keys() {
    return (this.map ?? new Map<K, V>()).keys()
  }

  values() {
    return (this.map ?? new Map<K, V>()).values()
  }

  [Symbol.iterator]() {
    return this.entries()
  }

  get [Symbol.toStringTag]() {
    return 'Map'
  }
}
