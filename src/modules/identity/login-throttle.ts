import { TooManyRequests } from '@feathersjs/errors'
import type { Application } from '../../declarations'
import { createRateLimiter } from '../../rate-limit'
import { logger } from '../../logger'

export interface LoginThrottle {
  /**
   * Counts a password check against the account and the address before it runs, so that
   * a burst of guesses sent at once is counted too; refuses (429) once either is spent.
   */
  attempt(email: string, address: string | undefined): Promise<void>
  /** The right password: the account's failures are forgiven and the address gets its attempt back. */
  succeeded(email: string, address: string | undefined): Promise<void>
}

/**
 * Failed password checks per account (guessing one person's password) and per client
 * address (trying one password on many accounts), over a window that starts at the
 * first failure; shared across instances through Redis when it is configured.
 */
export function createLoginThrottle(app: Application): LoginThrottle {
  const { failures_per_account, failures_per_address, window_seconds } = app.get('logins')
  const accounts = createRateLimiter(app, 'login-account', { points: failures_per_account, windowSeconds: window_seconds })
  const addresses = createRateLimiter(app, 'login-address', { points: failures_per_address, windowSeconds: window_seconds })

  return {
    async attempt(email, address) {
      const [account, origin] = await Promise.all([
        accounts.consume(email),
        address === undefined ? undefined : addresses.consume(address)
      ])
      const refused = [account, origin].filter((decision) => decision && !decision.allowed)
      if (!refused.length) return
      if (refused.some((decision) => decision!.firstRefusal)) {
        logger.warn('logins throttled', { by: account.allowed ? 'address' : 'account', address })
      }
      const seconds = Math.max(...refused.map((decision) => decision!.retryAfterSeconds))
      throw new TooManyRequests(`Too many failed logins; try again in ${seconds} seconds`, { retry_after_seconds: seconds })
    },
    async succeeded(email, address) {
      await Promise.all([accounts.reset(email), address === undefined ? undefined : addresses.refund(address)])
    }
  }
}
