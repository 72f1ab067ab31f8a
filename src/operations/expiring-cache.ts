/**
 * A small map whose entries expire after `ttlMs` and which never holds more than
 * `maxEntries` (the oldest go first), so that a long-running process does not grow
 * with every key it has ever seen.
 */
export class ExpiringCache<K, V> {
  private entries = new Map<K, { value: V; expires: number }>()

  constructor(
    private ttlMs: number,
    private maxEntries = 10_000
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (entry.expires > Date.now()) return entry.value
    this.entries.delete(key)
    return undefined
  }

  has(key: K) {
    return this.get(key) !== undefined
  }

  set(key: K, value: V) {
    this.entries.delete(key)
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs })
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as K)
  }

  delete(key: K) {
    this.entries.delete(key)
  }
}
