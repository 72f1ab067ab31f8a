import type { RealTimeConnection } from '@feathersjs/feathers'
import { TooManyRequests } from '@feathersjs/errors'
import type { Application, HookContext, NextFunction } from '../declarations'
import { logger } from '../logger'

const LOG_EVERY_MS = 60_000

/**
 * A Socket.io client can pipeline calls without waiting for answers; each would hold a
 * database connection or wait for one. Past `limits.calls_in_flight` unanswered calls,
 * a connection's next call is refused at once, before it costs any I/O. (HTTP/1.1
 * answers one request at a time per connection, so REST needs no such bound.)
 */
export const boundCallsInFlight = (app: Application) => {
  const bound = app.get('limits').calls_in_flight
  const inFlight = new WeakMap<RealTimeConnection, number>()
  const loggedAt = new WeakMap<RealTimeConnection, number>()

  return async (context: HookContext, next: NextFunction) => {
    const { connection } = context.params
    if (!context.params.provider || !connection) return next()
    const count = inFlight.get(connection) ?? 0
    if (count >= bound) {
      // Refusals come in floods: one line a minute per connection says enough
      if (Date.now() - (loggedAt.get(connection) ?? 0) >= LOG_EVERY_MS) {
        loggedAt.set(connection, Date.now())
        logger.warn('too many calls in flight on one connection: refusing more', {
          limiter: 'calls in flight',
          bound,
          user_id: context.params.user?.id,
          address: context.params.address
        })
      }
      throw new TooManyRequests(`More than ${bound} calls are waiting for an answer on this connection`, {
        retry_after_seconds: 1
      })
    }
    inFlight.set(connection, count + 1)
    try {
      await next()
    } finally {
      inFlight.set(connection, inFlight.get(connection)! - 1)
    }
  }
}
