import { LRUCache } from 'lru-cache'

/**
 * A small map whose entries expire `ttlMs` after they were set and which never holds
 * more than `maxEntries` (the least recently used go first), so that a long-running
 * process does not grow with every key it has ever seen. The one cache the modules use,
 * over lru-cache; `set` may give an entry a shorter life of its own.
 */
export class ExpiringCache<K extends {}, V extends {}> {
  private entries: LRUCache<K, V>

  /** `ttlMs` may be Infinity: entries then live as long as `set` says, or until evicted. */
  constructor(ttlMs: number, maxEntries = 10_000) {
    this.entries = new LRUCache<K, V>({
      max: maxEntries,
      // The clock is read on every lookup rather than remembered for a millisecond: the
      // memory is a timer set each millisecond a lookup happens in, which on the send
      // path (several lookups a message) cost more than reading the clock. Set for a
      // cache without a ttl too: its entries may get one of their own in `set`
      ttlResolution: 0,
      ...(Number.isFinite(ttlMs) && { ttl: ttlMs })
    })
  }

  get(key: K): V | undefined {
    return this.entries.get(key)
  }

  has(key: K) {
    return this.entries.has(key)
  }

  set(key: K, value: V, ttlMs?: number) {
    this.entries.set(key, value, ttlMs === undefined ? undefined : { ttl: ttlMs })
  }

  delete(key: K) {
    this.entries.delete(key)
  }
}
