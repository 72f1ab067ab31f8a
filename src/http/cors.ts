import { cors } from '@feathersjs/koa'
import type { Middleware } from '@feathersjs/koa'
import type { Application } from '../declarations'

/** `*` or the list of allowed origins, from a comma-separated setting or a JSON array. */
export const allowedOrigins = (setting: string | string[]): '*' | string[] => {
  const origins = (Array.isArray(setting) ? setting : setting.split(','))
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean)
  return origins.includes('*') ? '*' : origins
}

const isAllowed = (origins: '*' | string[], origin: string) => origins === '*' || origins.includes(origin)

/**
 * CORS for REST. Any origin is the default because the API authenticates with bearer
 * tokens, never cookies, so a foreign page gains nothing it could not do with a token.
 */
export const httpCors = (app: Application): Middleware => {
  const origins = allowedOrigins(app.get('cors').origins)
  const answer = cors({
    origin: (ctx) => (origins === '*' ? '*' : isAllowed(origins, ctx.get('Origin')) ? ctx.get('Origin') : ''),
    exposeHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600
  })
  return async (ctx, next) => {
    // @koa/cors hands a refused preflight on to the services, which would answer 405:
    // the browser gets the ordinary refusal instead, an answer without CORS headers
    if (
      ctx.method === 'OPTIONS' &&
      ctx.get('Access-Control-Request-Method') &&
      !isAllowed(origins, ctx.get('Origin'))
    ) {
      ctx.vary('Origin')
      ctx.status = 204
      return
    }
    return answer(ctx, next)
  }
}

/** The same origins for Socket.io, whose long-polling transport makes ordinary HTTP requests. */
export const socketCors = (app: Application) => {
  const origins = allowedOrigins(app.get('cors').origins)
  return { origin: origins === '*' ? '*' : origins, exposedHeaders: ['Retry-After'], maxAge: 600 }
}
