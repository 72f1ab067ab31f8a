import type { Server } from 'http'
import type { Application, HookContext, NextFunction } from './declarations'
import { logger } from './logger'

const inFlight = new WeakMap<Application, { count: number; drained?: () => void }>()

const stateOf = (app: Application) => {
  let state = inFlight.get(app)
  if (!state) inFlight.set(app, (state = { count: 0 }))
  return state
}

/** Counts service calls under way, REST and Socket.io alike, so shutdown can wait for them. */
export const trackInFlight = async (context: HookContext, next: NextFunction) => {
  const state = stateOf(context.app)
  state.count++
  try {
    await next()
  } finally {
    state.count--
    if (state.count === 0) state.drained?.()
  }
}

/**
 * Stops taking connections, lets calls under way finish (up to `graceMs`), then closes
 * the sockets and the database pool.
 */
export async function shutdown(app: Application, server: Server, graceMs = 10_000) {
  server.close()
  const state = stateOf(app)
  if (state.count > 0) {
    await Promise.race([
      new Promise<void>((resolve) => (state.drained = resolve)),
      new Promise((resolve) => setTimeout(resolve, graceMs).unref())
    ])
  }
  ;(app as any).io?.close()
  server.closeAllConnections?.()
  await app.teardown()
  logger.info('shut down', { unfinished_calls: state.count })
}
