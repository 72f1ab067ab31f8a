import type { Context } from 'koa'
import type { Middleware } from '@feathersjs/koa'
import type { Application } from '../declarations'
import { logger } from '../logging/logger'
import { acceptedRequestId, withinCall } from '../logging/call-context'
import type { CallContext } from '../logging/call-context'
import { accessLogged } from '../hooks/log-calls'

const MAX_LOGGED_PATH = 200
// No route of the app has a segment this long; a token or a secret pasted into a path does
const LONG_SEGMENT = /[^/]{33,}/g

/**
 * The path as its route: a service's id becomes `:id` (`DELETE /authentication/<token>`
 * names the token it ends), other paths are kept, cut short, with any segment of more than
 * 32 characters written `:long` (`/authentication/<token>/x` is no service's route, and
 * would log the token). The query string is never logged: it may hold a token or what
 * someone searched for.
 */
function routeOf(ctx: Context) {
  // Set by Feathers' REST middleware when the path is a service's
  if (ctx.lookup?.params?.__id !== undefined)
    return `${ctx.path.slice(0, ctx.path.lastIndexOf('/'))}/:id`.slice(0, MAX_LOGGED_PATH)
  return ctx.path.replace(LONG_SEGMENT, ':long').slice(0, MAX_LOGGED_PATH)
}

const millisecondsSince = (start: bigint) => Number((process.hrtime.bigint() - start) / 1000n) / 1000

/**
 * First of all middleware: the request gets its id (the client's `X-Request-Id` if it is
 * a plain, short id, else a new one), answered in the same header, carried into every
 * line logged while it is handled, and one access line when it has been answered.
 */
export const logRequests =
  (app: Application): Middleware =>
  async (ctx, next) => {
    const call: CallContext = { request_id: acceptedRequestId(ctx.get('X-Request-Id')) }
    ctx.set('X-Request-Id', call.request_id)
    const start = process.hrtime.bigint()
    let status: number | undefined
    try {
      await withinCall(call, next)
      status = ctx.status
    } catch (error: any) {
      status = Number(error?.status) || 500
      throw error
    } finally {
      if (accessLogged(app))
        logger.access('http request', {
          request_id: call.request_id,
          user_id: call.user_id,
          method: ctx.method,
          path: routeOf(ctx),
          status,
          duration_ms: millisecondsSince(start)
        })
    }
  }
