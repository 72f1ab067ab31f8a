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
  await stopServing(app, server)
  logger.info('shut down', { unfinished_calls: state.count })
}

/** Drops every connection, then tears the app down (which closes the database pool). */
export async function stopServing(app: Application, server: Server) {
  const io = (app as any).io
  io?.disconnectSockets(true)
  io?.engine.close()
  server.closeAllConnections()
  await app.teardown().catch((error: any) => {
    // Shutdown closed the listener first, to stop taking connections while calls finish
    if (error?.code !== 'ERR_SERVER_NOT_RUNNING') throw error
  })
}
