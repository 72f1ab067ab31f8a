import type { Application } from '../declarations'
import { createRateLimiter } from './rate-limit'
import type { RateLimiter } from './rate-limit'

const DEFAULT_SMS_PER_NUMBER_PER_HOUR = 10

const caps = new WeakMap<Application, RateLimiter>()

/**
 * SMS per destination number and hour, across channels and instances: notifications and
 * the codes that confirm a number draw on the same budget. Phone numbers are whatever
 * people type, so one person's number set to someone else's must not turn the platform
 * into a pager aimed at them. One limiter per app: in memory (no Redis) two limiters
 * would each count apart.
 */
export function smsCapOf(app: Application): RateLimiter {
  let cap = caps.get(app)
  if (!cap) {
    cap = createRateLimiter(app, 'sms-per-number', {
      points: app.get('notifications').sms_per_number_per_hour ?? DEFAULT_SMS_PER_NUMBER_PER_HOUR,
      windowSeconds: 3600
    })
    caps.set(app, cap)
  }
  return cap
}
