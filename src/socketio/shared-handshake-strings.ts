import type { Server } from 'socket.io'
import { sharedStrings } from '../cache/shared-strings'

// Headers whose values repeat from one client to the next (the same host, the same kind
// of browser and WebSocket); the others (the WebSocket key, cookies, authorization, the
// forwarded address) are each connection's own and are left as they are
const REPEATING_HEADERS = new Set([
  'host',
  'connection',
  'upgrade',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'user-agent',
  'origin',
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'pragma',
  'x-forwarded-proto',
  'x-forwarded-host'
])
const REPEATING_QUERY = ['EIO', 'transport']
// Values of many kinds of browser fit
const MOST_VALUES = 1000

/**
 * A connection keeps its handshake for its whole life (Socket.io's `socket.handshake`,
 * Feathers' `params.headers`, the request's stand-in): its headers, url, query and the
 * time it was made, each a string of its own, parsed from each request, although most
 * are the same for every client (the host, `Upgrade`, `websocket`, the extensions, the
 * url, a browser's user agent; the time for every connection made in the same second).
 * Equal values are replaced by one shared copy as the connection opens: the strings
 * read the same, and the connection holds none of its own for them. Must run before the
 * request is released (./release-handshake-request.ts copies its url).
 */
export function shareHandshakeStrings(io: Server) {
  const shared = sharedStrings(MOST_VALUES)
  let lastTime = ''
  io.on('connection', (socket) => {
    const handshake = socket.handshake
    // The same object as the request's headers and Feathers' params.headers
    const headers = handshake.headers as Record<string, unknown>
    for (const name of Object.keys(headers)) {
      const value = headers[name]
      if (typeof value === 'string' && REPEATING_HEADERS.has(name)) headers[name] = shared(value)
    }
    // The query is the request's own parsed query too
    const query = handshake.query as Record<string, unknown>
    for (const name of REPEATING_QUERY) {
      const value = query[name]
      if (typeof value === 'string') query[name] = shared(value)
    }
    const request = (socket.conn as unknown as { request?: { url?: string } }).request
    if (typeof handshake.url === 'string') {
      handshake.url = shared(handshake.url)
      if (request && request.url === handshake.url) request.url = handshake.url
    }
    if (handshake.time === lastTime) handshake.time = lastTime
    else lastTime = handshake.time
  })
}
