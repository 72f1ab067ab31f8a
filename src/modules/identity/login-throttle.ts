import { TooManyRequests } from '@feathersjs/errors'
import type { Application } from '../../declarations'
import { createRateLimiter } from '../../limits/rate-limit'
import type { RateDecision } from '../../limits/rate-limit'
import { logger } from '../../logging/logger'
import { ExpiringCache } from '../../cache/expiring-cache'

export interface LoginThrottle {
  /**
   * Runs one password check under the throttle: counted against the account and the
   * address before it runs, so that a burst of guesses sent at once is counted too, and
   * refused (429) once either is spent; the right password forgives the account's
   * failures and gives the address its attempt back.
   */
  check<T>(email: string, address: string | undefined, passwordCheck: () => Promise<T>): Promise<T>
}

// Guesses at one account spread over many addresses: allowed this many times the per-address budget
const ACCOUNT_CEILING_FACTOR = 10

/**
 * Failed password checks per account and address (guessing one person's password), per
 * account from anywhere (the same, spread over many addresses, under a ceiling ten times
 * higher) and per client address (trying one password on many accounts), over a window
 * that starts at the first failure; shared across instances through Redis when it is
 * configured. Counting an account's guesses per address means someone else's guesses do
 * not lock its owner out: only a botnet reaches the ceiling.
 */
export function createLoginThrottle(app: Application): LoginThrottle {
  const { failures_per_account, failures_per_address, window_seconds } = app.get('logins')
  const windowSeconds = window_seconds
  const accounts = createRateLimiter(app, 'login-account', { points: failures_per_account, windowSeconds })
  const ceilings = createRateLimiter(app, 'login-account-total', {
    points: failures_per_account * ACCOUNT_CEILING_FACTOR,
    windowSeconds
  })
  const addresses = createRateLimiter(app, 'login-address', { points: failures_per_address, windowSeconds })
  const accountFrom = (email: string, address: string | undefined) => `${email}|${address ?? ''}`

  // Refused attempts give their points back, so every refusal looks like a key's first one to
  // the limiter: one line per throttled account or address and window is remembered here instead
  const logged = new ExpiringCache<string, true>(windowSeconds * 1000)
  const refuse = (refused: RateDecision[], address: string | undefined, by: string, key: string) => {
    const line = `${by}|${key}`
    if (!logged.has(line)) {
      logged.set(line, true)
      logger.warn('logins throttled', { by, address })
    }
    const seconds = Math.max(...refused.map((decision) => decision.retryAfterSeconds))
    return new TooManyRequests(`Too many failed logins; try again in ${seconds} seconds`, {
      retry_after_seconds: seconds
    })
  }

  async function attempt(email: string, address: string | undefined) {
    const key = accountFrom(email, address)
    const [account, origin] = await Promise.all([
      accounts.consume(key),
      address === undefined ? undefined : addresses.consume(address)
    ])
    // Refused before any password check, it counts against nothing: the counters stay
    // where they were (at their limit), so a guesser gains nothing and spends nothing of
    // anyone else's, and correct logins that overlapped are not remembered as failures
    const refunds = () =>
      Promise.all([accounts.refund(key), address === undefined ? undefined : addresses.refund(address)])
    if (!account.allowed || (origin && !origin.allowed)) {
      await refunds()
      const refused = [account, origin].filter((decision): decision is RateDecision =>
        Boolean(decision && !decision.allowed)
      )
      throw refuse(
        refused,
        address,
        account.allowed ? 'address' : 'account',
        account.allowed ? (address ?? '') : key
      )
    }
    // Only guesses an address was allowed to make reach the account's ceiling from anywhere
    const ceiling = await ceilings.consume(email)
    if (!ceiling.allowed) {
      await Promise.all([refunds(), ceilings.refund(email)])
      throw refuse([ceiling], address, 'account', email)
    }
  }

  async function succeeded(email: string, address: string | undefined) {
    await Promise.all([
      accounts.reset(accountFrom(email, address)),
      ceilings.reset(email),
      address === undefined ? undefined : addresses.refund(address)
    ])
  }

  // Password checks under way on this instance, by account and by address
  const inFlight = new InFlight()

  return {
    async check(email, address, passwordCheck) {
      const keys = [`account|${email}`, `address|${address ?? ''}`]
      await admitted(
        () => attempt(email, address),
        () => inFlight.among(keys)
      )
      return inFlight.during(keys, async () => {
        const result = await passwordCheck()
        await succeeded(email, address)
        return result
      })
    }
  }
}

// A refusal while checks of the same account or address are still running may only be
// their points, given back if those passwords are right: it waits for one of them to end
// and asks again, instead of refusing a correct login for fifteen minutes because it
// overlapped with others. Every wait ends with a password check, so a burst of wrong
// guesses is refused as soon as the guesses admitted before it have failed.
const MOST_WAITING_MS = 15_000

async function admitted(attempt: () => Promise<void>, running: () => Promise<unknown>[]) {
  const deadline = Date.now() + MOST_WAITING_MS
  for (;;) {
    try {
      return await attempt()
    } catch (error) {
      const others = running()
      if (!(error instanceof TooManyRequests) || !others.length || Date.now() > deadline) throw error
      await Promise.race(others.map((other) => other.catch(() => undefined)))
    }
  }
}

/** Checks under way on this instance, by key (account or address). */
class InFlight {
  private running = new Map<string, Set<Promise<unknown>>>()

  among(keys: string[]) {
    return keys.flatMap((key) => [...(this.running.get(key) ?? [])])
  }

  async during<T>(keys: string[], work: () => Promise<T>): Promise<T> {
    const promise = work()
    for (const key of keys) {
      if (!this.running.has(key)) this.running.set(key, new Set())
      this.running.get(key)!.add(promise)
    }
    try {
      return await promise
    } finally {
      for (const key of keys) {
        const set = this.running.get(key)!
        set.delete(promise)
        if (!set.size) this.running.delete(key)
      }
    }
  }
}
