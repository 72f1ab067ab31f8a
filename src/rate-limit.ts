import type { Application } from './declarations'
import { isClustered, redisKey } from './redis'

export interface RateLimiter {
  /** Counts one hit for `key`; false when the key has used up its budget in this window. */
  hit(key: string | number): Promise<boolean>
}

/**
 * A fixed-window budget per key: in memory on one instance, shared through Redis
 * (INCR with an expiry) when several instances serve the same people.
 */
export function createRateLimiter(app: Application, name: string, limit: number, windowSeconds: number): RateLimiter {
  const windowOf = () => Math.floor(Date.now() / (windowSeconds * 1000))
  if (isClustered(app)) {
    return {
      async hit(key) {
        const redis = app.get('redisClient')!
        const counter = redisKey(app, 'rate', name, key, windowOf())
        const [[, count]] = (await redis.multi().incr(counter).expire(counter, windowSeconds * 2).exec()) as [
          [Error | null, number]
        ]
        return count <= limit
      }
    }
  }
  let window = windowOf()
  let counts = new Map<string | number, number>()
  return {
    async hit(key) {
      if (windowOf() !== window) {
        window = windowOf()
        counts = new Map()
      }
      const count = (counts.get(key) ?? 0) + 1
      counts.set(key, count)
      return count <= limit
    }
  }
}
