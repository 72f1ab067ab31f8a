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
        ctx.body = { status: 'ready', database: 'ok' }
      } catch (error: any) {
        ctx.status = 503
        ctx.body = { status: 'unavailable', database: error?.message ?? 'unreachable' }
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
