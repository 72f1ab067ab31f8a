import type { Context } from 'koa'
import type { Middleware } from '@feathersjs/koa'
import { BadRequest, FeathersError, GeneralError } from '@feathersjs/errors'
import { logger } from '../logging/logger'

class PayloadTooLarge extends FeathersError {
  constructor(message: string) {
    super(message, 'PayloadTooLarge', 413, 'payload-too-large', {})
  }
}

const statusOf = (error: any) => Number(error?.status ?? error?.statusCode)

/**
 * Errors raised outside the services (body parsing, routing) leave as Feathers errors
 * too: a client error keeps its status and is logged as a warning, without a stack;
 * anything else is a plain 500 without internals. Every 429 tells HTTP clients when to
 * come back, in the header they know.
 */
export const httpErrors = (): Middleware => async (ctx, next) => {
  try {
    await next()
  } catch (error: any) {
    if (error instanceof FeathersError) {
      const retryAfter = error.data?.retry_after_seconds
      if (error.code === 429 && Number.isFinite(retryAfter))
        ctx.set('Retry-After', String(Math.ceil(retryAfter)))
      throw error
    }
    const status = statusOf(error)
    if (status >= 400 && status < 500) {
      logger.warn('refused a malformed request', {
        method: ctx.method,
        path: ctx.path,
        status,
        error: error?.message
      })
      if (status === 413) throw new PayloadTooLarge('The request body is too large')
      throw new BadRequest(error.expose ? error.message : 'Malformed request')
    }
    logger.error('request failed', {
      method: ctx.method,
      path: ctx.path,
      error: error?.message,
      stack: error?.stack
    })
    throw new GeneralError('Internal server error')
  }
}

/**
 * The body parser's errors: a body that does not inflate as its `Content-Encoding`
 * says (zlib's "incorrect header check") carries no HTTP status, yet it is the
 * client's mistake like malformed JSON.
 */
export const unreadableBody = (error: any, ctx: Context) => {
  const status = statusOf(error)
  if (status >= 400 && status < 500) throw error
  logger.warn('refused an unreadable request body', {
    method: ctx.method,
    path: ctx.path,
    encoding: ctx.get('Content-Encoding'),
    error: error?.message
  })
  throw new BadRequest('The request body could not be decoded')
}
