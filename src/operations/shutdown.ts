import type { Server } from 'http'
import type { Middleware } from '@feathersjs/koa'
import type { Application, HookContext, NextFunction } from '../declarations'
import { logger } from './logger'

interface InFlight {
  count: number
  drained?: () => void
}

const inFlight = new WeakMap<Application, InFlight>()

const stateOf = (app: Application) => {
  let state = inFlight.get(app)
  if (!state) inFlight.set(app, (state = { count: 0 }))
  return state
}

const begin = (app: Application) => {
  const state = stateOf(app)
  state.count++
  return () => {
    state.count--
    if (state.count === 0) state.drained?.()
  }
}

/** An HTTP request is under way until its response has been written out. */
export const trackRequests =
  (app: Application): Middleware =>
  async (ctx, next) => {
    const end = begin(app)
    ctx.res.once('close', end)
    await next()
  }

/** A Socket.io call is under way until its service method has returned. */
export const trackSocketCalls = async (context: HookContext, next: NextFunction) => {
  if (context.params.provider !== 'socketio') return next()
  const end = begin(context.app)
  try {
    await next()
  } finally {
    end()
  }
}

/**
 * Stops taking connections, lets calls under way finish and their answers go out (up
 * to `graceMs`), then closes the sockets and the database pool.
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
  // A socket call's acknowledgement is written just after its method returns
  await new Promise((resolve) => setImmediate(resolve))
  await stopServing(app, server)
  logger.info('shut down', { unfinished_calls: state.count })
}

/** Drops every connection, then tears the app down (which closes the database pool). */
export async function stopServing(app: Application, server: Server) {
  const io = (app as any).io
  // Engine.io closes each connection once its write buffer has drained
  io?.disconnectSockets()
  io?.engine.close()
  server.closeAllConnections()
  await app.teardown().catch((error: any) => {
    // Shutdown closed the listener first, to stop taking connections while calls finish
    if (error?.code !== 'ERR_SERVER_NOT_RUNNING') throw error
  })
}
