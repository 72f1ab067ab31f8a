import type { Application } from '../declarations'
import { collectMetrics, metricsContentType } from './metrics'

/** Liveness, readiness and metrics, served before the REST services. */
export const health = (app: Application) => {
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET') return next()
    if (ctx.path === '/health') {
      ctx.body = { status: 'ok' }
      return
    }
    if (ctx.path === '/ready') {
      try {
        await app.get('postgresqlClient').raw('select 1')
        const redis = app.get('redisClient')
        if (redis) await redis.ping()
        ctx.body = { status: 'ready', database: 'ok', redis: redis ? 'ok' : 'not configured' }
      } catch (error: any) {
        ctx.status = 503
        ctx.body = { status: 'unavailable', error: error?.message ?? 'unreachable' }
      }
      return
    }
    if (ctx.path === '/metrics') {
      ctx.type = metricsContentType
      ctx.body = await collectMetrics(app)
      return
    }
    return next()
  })
}
