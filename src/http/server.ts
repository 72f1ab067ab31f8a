import http from 'http'
import type { Context } from 'koa'
import type { Application } from '../declarations'
import { logger } from '../logging/logger'

// A request's body is at most 64 KB and its headers a few: a client on a poor mobile
// network sends them in seconds; one that takes longer is holding the connection on purpose
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30
export const DEFAULT_HEADERS_TIMEOUT_SECONDS = 10
const MIN_CHECK_INTERVAL_MS = 250

/**
 * Node's http.Server options for the `http.*` timeouts. Both count until the request
 * has arrived, not until it is answered: a long-poll that Socket.io holds open for 25 s
 * and an upgraded WebSocket are not affected.
 */
export function serverOptions(app: Application): http.ServerOptions {
  const settings = app.get('http')
  const requestTimeout = (settings?.request_timeout_seconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000
  // Node refuses a headers timeout above the request timeout
  const headersTimeout = Math.min(
    requestTimeout,
    (settings?.headers_timeout_seconds ?? DEFAULT_HEADERS_TIMEOUT_SECONDS) * 1000
  )
  return {
    requestTimeout,
    headersTimeout,
    // Node looks for expired requests only this often (every 30 s by default, which would
    // let a 10 s timeout run to 40 s): at a quarter of the shorter one, at most a quarter late
    connectionsCheckingInterval: Math.max(MIN_CHECK_INTERVAL_MS, Math.round(headersTimeout / 4))
  }
}

// What a client does to its own request: cut by the timeouts, or gone before the answer
const CLIENT_SIDE = new Set(['ERR_HTTP_REQUEST_TIMEOUT', 'ECONNRESET', 'EPIPE', 'ECONNABORTED'])

/**
 * Koa reports a response that ended in an error (a request cut by the timeouts, a client
 * gone) as a raw stack on stderr: one JSON line instead, at warn for the client's doing.
 */
function logResponseError(error: any, ctx?: Context) {
  if (error?.status === 404 || error?.expose) return
  const where = { method: ctx?.method, path: ctx?.path, error: error?.message }
  if (CLIENT_SIDE.has(error?.code))
    logger.warn('a request ended before it was answered', { ...where, code: error.code })
  else logger.error('a response failed', { ...where, stack: error?.stack })
}

/**
 * Feathers' Koa `listen()` creates its http.Server with Node's defaults, under which a
 * client sending its body a byte at a time holds a connection for 300 s (its headers, 60 s),
 * and the options cannot be changed once it listens. This `listen()` does what Feathers'
 * does (listen, then set the app up on the server: Socket.io attaches there) on a server
 * created with the configured timeouts.
 */
export const httpServer = (app: Application) => {
  app.listen = async (port?: number, ...args: any[]) => {
    const server = http.createServer(serverOptions(app), app.callback())
    server.listen(port, ...args)
    app.server = server
    await app.setup(server)
    return server
  }
  app.on('error', logResponseError)
}
