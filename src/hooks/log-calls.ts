import crypto from 'crypto'
import type { Application, HookContext, NextFunction } from '../declarations'
import { logger } from '../logging/logger'
import { connectionIdOf, currentCall, withinCall } from '../logging/call-context'
import { errorCode, successCode } from '../metrics/calls'

/** Whether the access log is on: `logging.access`, and only if info is logged. */
export const accessLogged = (app: Application) => app.get('logging').access && logger.enabled('info')

// A login answers with the person it signed in; every other call knows them from its params
const userOf = (context: HookContext) =>
  context.params.user?.id ?? (context.path === 'authentication' ? context.result?.user?.id : undefined)

const millisecondsSince = (start: bigint) => Number((process.hrtime.bigint() - start) / 1000n) / 1000

/**
 * Outermost around every service call. A Socket.io call is a call of its own: it gets a
 * request id, runs within it (so whatever the call's hooks and services log carries it),
 * and leaves one access line. A REST call belongs to its HTTP request, whose access line
 * (http/access-log.ts) learns here who made it. Internal calls log under their caller.
 */
export const logCalls = (app: Application) => async (context: HookContext, next: NextFunction) => {
  if (context.params.provider === 'rest') {
    const request = currentCall()
    try {
      return await next()
    } finally {
      if (request) request.user_id = userOf(context)
    }
  }
  if (context.params.provider !== 'socketio') return next()

  const call = {
    request_id: crypto.randomUUID(),
    user_id: context.params.user?.id,
    connection_id: connectionIdOf(context.params.connection)
  }
  const start = process.hrtime.bigint()
  let status: number | undefined
  try {
    await withinCall(call, next)
    status = successCode(context)
  } catch (error) {
    status = errorCode(error)
    throw error
  } finally {
    if (accessLogged(app))
      logger.access('socket call', {
        request_id: call.request_id,
        user_id: userOf(context) ?? call.user_id,
        connection_id: call.connection_id,
        service: context.path,
        method: context.method,
        status,
        duration_ms: millisecondsSince(start)
      })
  }
}
