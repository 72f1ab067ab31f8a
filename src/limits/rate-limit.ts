import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import { TooManyRequests } from '@feathersjs/errors'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'
import type { Application } from '../declarations'
import { isClustered, redisKey } from '../redis/redis'
import { logger } from '../logging/logger'
import { rateLimitMetrics } from '../metrics/rate-limits'

export interface RateDecision {
  allowed: boolean
  /** Whole seconds until the key may try again (0 when allowed). */
  retryAfterSeconds: number
  /** True for the first refusal of a key in its window: log that one, not every refusal. */
  firstRefusal: boolean
}

export interface RateLimiter {
  /** Counts `cost` hits for `key` (default 1). */
  consume(key: string | number, cost?: number): Promise<RateDecision>
  /** Forgets a key's hits (a successful login clears the failures counted against it). */
  reset(key: string | number): Promise<void>
  /** Gives back `cost` hits (an attempt counted up front that turned out fine). */
  refund(key: string | number, cost?: number): Promise<void>
}

export interface RateLimitOptions {
  /** Hits allowed in a window. */
  points: number
  windowSeconds: number
  /** When over budget, the key is refused for this long (default: the rest of its window). */
  blockSeconds?: number
}

/**
 * A budget per key over a fixed window that starts at the key's first hit: in memory on
 * one instance, shared through Redis (one Lua script call per hit) when several instances
 * serve the same people. While Redis is away the budget is kept in memory on each
 * instance instead (rate-limiter-flexible's insurance limiter): the limit fails over, it
 * never turns a send into a 5xx.
 */
export function createRateLimiter(app: Application, name: string, options: RateLimitOptions): RateLimiter {
  const base = {
    points: options.points,
    duration: options.windowSeconds,
    blockDuration: options.blockSeconds ?? 0
  }
  const { refused } = rateLimitMetrics(app)
  const memory = new RateLimiterMemory({ ...base, keyPrefix: name })
  const limiter: RateLimiterAbstract = isClustered(app)
    ? new RateLimiterRedis({
        ...base,
        storeClient: app.get('redisClient'),
        keyPrefix: redisKey(app, 'rate', name),
        insuranceLimiter: memory,
        // While Redis reconnects, count in memory at once instead of waiting on its retries
        rejectIfRedisNotReady: true
      })
    : memory

  return {
    async consume(key, cost = 1) {
      try {
        await limiter.consume(String(key), cost)
        return { allowed: true, retryAfterSeconds: 0, firstRefusal: false }
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) {
          logger.warn('rate limit store unavailable; letting the call through', { limiter: name })
          return { allowed: true, retryAfterSeconds: 0, firstRefusal: false }
        }
        refused.inc({ budget: name })
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
          // Counted before this hit, the key was still within its budget
          firstRefusal: rejection.consumedPoints - cost <= options.points
        }
      }
    },
    async reset(key) {
      await limiter.delete(String(key)).catch(() => undefined)
    },
    async refund(key, cost = 1) {
      await limiter.reward(String(key), cost).catch(() => undefined)
    }
  }
}

const shared = new WeakMap<Application, Map<string, RateLimiter>>()

/**
 * The app's one limiter of this name, made on first use: a budget several modules
 * spend (SMS per number, the static routes) must be one limiter, since in memory two
 * would each count apart. `options` is read once, when it is made.
 */
export function sharedRateLimiter(
  app: Application,
  name: string,
  options: () => RateLimitOptions
): RateLimiter {
  if (!shared.has(app)) shared.set(app, new Map())
  const limiters = shared.get(app)!
  if (!limiters.has(name)) limiters.set(name, createRateLimiter(app, name, options()))
  return limiters.get(name)!
}

/**
 * The 429 for a refused call, with `retry_after_seconds` (REST adds `Retry-After`). Only
 * a key's first refusal in its window is logged: a flood must not become a log flood.
 */
export function refusal(message: string, decision: RateDecision, logContext: Record<string, unknown>) {
  if (decision.firstRefusal) {
    logger.warn('rate limit reached: refusing calls until the window ends', {
      ...logContext,
      retry_after_seconds: decision.retryAfterSeconds
    })
  }
  return new TooManyRequests(message, { retry_after_seconds: decision.retryAfterSeconds })
}
