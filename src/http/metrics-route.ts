import crypto from 'crypto'
import type { Context } from 'koa'
import type { Application } from '../declarations'
import { collectMetrics, metricsContentType } from '../metrics/registry'
import { spendStaticBudget } from './static-budget'

type Access = 'open' | 'token' | 'hidden'

/**
 * The metrics tell the Node version, memory, descriptors and traffic: with a token set
 * (`METRICS_TOKEN`) only a scraper that sends it reads them; without one they are open
 * for development but not served at all in production, where an open copy would be
 * everybody's.
 */
const accessOf = (token: string | null | undefined): Access =>
  token ? 'token' : process.env.NODE_ENV === 'production' ? 'hidden' : 'open'

const digest = (value: string) => crypto.createHash('sha256').update(value).digest()

// Compared as digests of equal length, in constant time: the answer's timing tells nothing
const bearerMatches = (ctx: Context, token: string) => {
  const [scheme, presented] = ctx.get('Authorization').split(' ')
  return (
    scheme?.toLowerCase() === 'bearer' &&
    Boolean(presented) &&
    crypto.timingSafeEqual(digest(presented), digest(token))
  )
}

/** `GET /metrics`: Prometheus text, behind `metrics.token` (see `accessOf`) and the static budget. */
export const metricsRoute = (app: Application) => {
  const token = app.get('metrics')?.token
  const access = accessOf(token)
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== '/metrics' || access === 'hidden') return next()
    await spendStaticBudget(app, ctx)
    if (access === 'token' && !bearerMatches(ctx, token!)) {
      ctx.status = 401
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"')
      ctx.body = {
        name: 'NotAuthenticated',
        code: 401,
        message: 'Metrics need the bearer token set in METRICS_TOKEN'
      }
      return
    }
    ctx.set('Cache-Control', 'no-store')
    ctx.type = metricsContentType
    ctx.body = await collectMetrics(app)
  })
}
