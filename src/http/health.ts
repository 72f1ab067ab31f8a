import type { Application } from '../declarations'
import { logger } from '../logging/logger'
import { isDraining } from './shutdown'

// A probe answers within this even when a dependency does not answer at all
const CHECK_TIMEOUT_MS = 3000

type State = 'ok' | 'down' | 'not configured'

/** Whether one dependency answers; why not goes to the log, never to the prober. */
async function check(name: string, probe: (() => Promise<unknown>) | undefined): Promise<State> {
  if (!probe) return 'not configured'
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)
  })
  try {
    await Promise.race([probe(), timeout])
    return 'ok'
  } catch (error: any) {
    logger.warn('not ready', { dependency: name, error: error?.message ?? String(error) })
    return 'down'
  } finally {
    clearTimeout(timer)
  }
}

/** Liveness and readiness, served before the REST services (and outside every budget: the balancer probes them). */
export const health = (app: Application) => {
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
      const redis = app.get('redisClient')
      const [database, redisState] = await Promise.all([
        check('database', () => app.get('postgresqlClient').raw('select 1')),
        check('redis', redis && (() => redis.ping()))
      ])
      const ready = database === 'ok' && redisState !== 'down'
      ctx.status = ready ? 200 : 503
      ctx.body = { status: ready ? 'ready' : 'unavailable', database, redis: redisState }
      return
    }
    return next()
  })
}
