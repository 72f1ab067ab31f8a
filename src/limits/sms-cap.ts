import type { Application } from '../declarations'
import { sharedRateLimiter } from './rate-limit'
import type { RateLimiter } from './rate-limit'

const DEFAULT_SMS_PER_NUMBER_PER_HOUR = 10

/**
 * SMS per destination number and hour, across channels and instances: notifications and
 * the codes that confirm a number draw on the same budget. Phone numbers are whatever
 * people type, so one person's number set to someone else's must not turn the platform
 * into a pager aimed at them.
 */
export const smsCapOf = (app: Application): RateLimiter =>
  sharedRateLimiter(app, 'sms-per-number', () => ({
    points: app.get('notifications').sms_per_number_per_hour ?? DEFAULT_SMS_PER_NUMBER_PER_HOUR,
    windowSeconds: 3600
  }))
