import type { Server } from 'http'
import type { Middleware } from '@feathersjs/koa'
import type { Application, HookContext, NextFunction } from '../declarations'
import { logger } from '../logging/logger'
import { closeTransports } from '../socketio/end-connections'

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

const draining = new WeakSet<Application>()

/** From the moment a shutdown begins: `/ready` fails so that a balancer sends no one new here. */
export const isDraining = (app: Application) => draining.has(app)

export interface ShutdownTimes {
  /** How long `/ready` fails before the listener closes: a balancer's health checks must see it. */
  drainMs: number
  /** How long calls under way may take to finish. */
  graceMs: number
}

/**
 * Drains, then stops: `/ready` fails at once while everything else keeps serving for
 * `drainMs`, so that a load balancer stops routing new connections here; then the
 * listener closes, calls under way finish and their answers go out (up to `graceMs`),
 * and the connections' transports close, so that their clients reconnect (through the
 * balancer, to another instance) by themselves. Last, the database pool closes.
 */
export async function shutdown(app: Application, server: Server, { drainMs, graceMs }: ShutdownTimes) {
  draining.add(app)
  if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs))
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

// How long closing transports may take to write out what is queued before they are cut
const CLOSE_FLUSH_MS = 1000

/** Closes every connection's transport (clients reconnect), then tears the app down (which closes the database pool). */
export async function stopServing(app: Application, server: Server) {
  const io = (app as any).io
  if (io) {
    closeTransports(io.of('/').sockets.values())
    // A long-polling client without a request waiting hears of the close at its next poll
    for (const deadline = Date.now() + CLOSE_FLUSH_MS; io.engine.clientsCount > 0 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    io.engine.close()
  }
  server.closeAllConnections()
  await app.teardown().catch((error: any) => {
    // Shutdown closed the listener first, to stop taking connections while calls finish
    if (error?.code !== 'ERR_SERVER_NOT_RUNNING') throw error
  })
}
