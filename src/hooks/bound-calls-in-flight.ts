import type { RealTimeConnection } from '@feathersjs/feathers'
import { TooManyRequests } from '@feathersjs/errors'
import type { Application, HookContext, NextFunction } from '../declarations'
import { logger } from '../logging/logger'
import { rateLimitMetrics } from '../metrics/rate-limits'

const LOG_EVERY_MS = 60_000
// A person's tabs and devices together may keep twice one connection's bound in flight
const PER_CALLER_FACTOR = 2

/**
 * A Socket.io client can pipeline calls without waiting for answers; each would hold a
 * database connection or wait for one. Past `limits.calls_in_flight` unanswered calls,
 * a connection's next call is refused at once, before it costs any I/O. One person
 * opening many connections is bounded too, on each instance, so that nobody can queue
 * everyone else's calls behind their own. (HTTP/1.1 answers one request at a time per
 * connection; REST is held by the per-minute budget.)
 */
export const boundCallsInFlight = (app: Application) => {
  const bound = app.get('limits').calls_in_flight
  // Entries leave when their count falls to zero: the maps hold only connections and
  // callers with calls under way (an idle connection holds no entry of its own)
  const perConnection = new WeakMap<RealTimeConnection, number>()
  const perCaller = new Map<string, number>()
  const loggedAt = new Map<string, number>()
  const { refused } = rateLimitMetrics(app)

  const refuse = (what: string, limit: number, context: HookContext) => {
    refused.inc({ budget: 'calls_in_flight' })
    // Refusals come in floods: one line a minute per caller says enough
    const key = callerOf(context) ?? `address:${context.params.address}`
    if (Date.now() - (loggedAt.get(key) ?? 0) >= LOG_EVERY_MS) {
      if (loggedAt.size > 10_000) loggedAt.clear()
      loggedAt.set(key, Date.now())
      logger.warn(`too many calls in flight on one ${what}: refusing more`, {
        limiter: 'calls in flight',
        bound: limit,
        user_id: context.params.user?.id,
        address: context.params.address
      })
    }
    return new TooManyRequests(`More than ${limit} calls are waiting for an answer on this ${what}`, {
      retry_after_seconds: 1
    })
  }

  return async (context: HookContext, next: NextFunction) => {
    if (!context.params.provider) return next()
    const { connection } = context.params
    const caller = callerOf(context)
    if (connection && (perConnection.get(connection) ?? 0) >= bound)
      throw refuse('connection', bound, context)
    if (caller && (perCaller.get(caller) ?? 0) >= bound * PER_CALLER_FACTOR) {
      throw refuse('person', bound * PER_CALLER_FACTOR, context)
    }
    if (connection) perConnection.set(connection, (perConnection.get(connection) ?? 0) + 1)
    if (caller) perCaller.set(caller, (perCaller.get(caller) ?? 0) + 1)
    try {
      await next()
    } finally {
      if (connection) {
        const left = perConnection.get(connection)! - 1
        if (left > 0) perConnection.set(connection, left)
        else perConnection.delete(connection)
      }
      if (caller) {
        const left = perCaller.get(caller)! - 1
        if (left > 0) perCaller.set(caller, left)
        else perCaller.delete(caller)
      }
    }
  }
}

// The person, once known here (Socket.io after login). Not the address: behind a load
// balancer without `trust_proxy`, every client would share one bound
const callerOf = (context: HookContext) =>
  context.params.user ? `user:${context.params.user.id}` : undefined
