import type { Middleware } from '@feathersjs/koa'
import { BadRequest, FeathersError, GeneralError } from '@feathersjs/errors'
import { logger } from '../logger'

class PayloadTooLarge extends FeathersError {
  constructor(message: string) {
    super(message, 'PayloadTooLarge', 413, 'payload-too-large', {})
  }
}

/**
 * Errors raised outside the services (body parsing, routing) leave as Feathers errors
 * too: a client error keeps its status, anything else is a plain 500 without internals.
 * Every 429 tells HTTP clients when to come back, in the header they know.
 */
export const httpErrors = (): Middleware => async (ctx, next) => {
  try {
    await next()
  } catch (error: any) {
    if (error instanceof FeathersError) {
      const retryAfter = error.data?.retry_after_seconds
      if (error.code === 429 && Number.isFinite(retryAfter)) ctx.set('Retry-After', String(Math.ceil(retryAfter)))
      throw error
    }
    const status = Number(error?.status ?? error?.statusCode)
    if (status === 413) throw new PayloadTooLarge('The request body is too large')
    if (status >= 400 && status < 500) throw new BadRequest(error.expose ? error.message : 'Malformed request')
    logger.error('request failed', { method: ctx.method, path: ctx.path, error: error?.message, stack: error?.stack })
    throw new GeneralError('Internal server error')
  }
}
