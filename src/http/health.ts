import type { Application } from '../declarations'
import { checkReadiness } from './readiness'
import { installReadinessMetrics, recordReadiness } from './readiness-metrics'
import { isDraining } from './shutdown'

/** Liveness and readiness, served before the REST services (and outside every budget: the balancer probes them). */
export const health = (app: Application) => {
  installReadinessMetrics(app)
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET') return next()
    if (ctx.path === '/health') {
      ctx.body = { status: 'ok' }
      return
    }
    if (ctx.path === '/ready') {
      if (isDraining(app)) {
        ctx.status = 503
        ctx.body = { status: 'draining' }
        return
      }
      const readiness = await checkReadiness(app)
      recordReadiness(app, readiness)
      // Which dependency is down, and nothing else: why is in the log and on /metrics
      const { ready, database, redis } = readiness
      ctx.status = ready ? 200 : 503
      ctx.body = { status: ready ? 'ready' : 'unavailable', database, redis }
      return
    }
    return next()
  })
}
