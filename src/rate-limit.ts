import type { Application } from './declarations'
import { ExpiringCache } from './expiring-cache'
import { isClustered, redisKey } from './redis'

export interface RateLimiter {
  /** Counts one hit for `key`; false when the key has used up its budget in its window. */
  hit(key: string | number): Promise<boolean>
}

/**
 * A budget per key over a window that starts at the key's first hit: in memory on one
 * instance, shared through Redis when several instances serve the same people.
 */
export function createRateLimiter(app: Application, name: string, limit: number, windowSeconds: number): RateLimiter {
  if (isClustered(app)) {
    return {
      async hit(key) {
        const counter = redisKey(app, 'rate', name, key)
        const [, [, count]] = (await app
          .get('redisClient')!
          .multi()
          .set(counter, 0, 'EX', windowSeconds, 'NX')
          .incr(counter)
          .exec()) as [unknown, [Error | null, number]]
        return count <= limit
      }
    }
  }
  const windows = new ExpiringCache<string | number, { count: number }>(windowSeconds * 1000, 100_000)
  return {
    async hit(key) {
      const window = windows.get(key)
      if (!window) {
        windows.set(key, { count: 1 })
        return 1 <= limit
      }
      // Counted in place: the window keeps the expiry its first hit gave it
      return ++window.count <= limit
    }
  }
}
