import { ServerResponse } from 'http'
import type { IncomingMessage } from 'http'
import type { Server } from 'socket.io'

const RESPONSE = Symbol('engine.io handshake response')

type HandshakeRequest = IncomingMessage & { [RESPONSE]?: { req: unknown } }

/**
 * Engine.io keeps each session's first HTTP request (its IncomingMessage, raw headers and
 * parser state) for the connection's whole life. What is read of it later, by Socket.io
 * when the client joins the namespace again on the same connection and by the client's
 * address behind a balancer (`X-Forwarded-For`), is its headers, url, query and whether
 * it was encrypted: the connection keeps those in a small stand-in and lets the rest go,
 * as Socket.io advises for memory per connection. Over WebSocket the request is also held
 * by the upgrade's stand-in response (engine.io's WebSocketResponse, until the socket
 * closes), which is reached here through an engine middleware, the one place engine.io
 * hands it out.
 */
export function releaseHandshakeRequests(io: Server) {
  io.engine.use((req: HandshakeRequest, res: ServerResponse | { req: unknown }, next: () => void) => {
    req[RESPONSE] = res
    // A long-polling session moving to WebSocket: the upgrade's request is held the same way
    const upgrading = !(res instanceof ServerResponse) && engineSessionOf(io, req)
    if (upgrading) upgrading.once('upgrade', () => (res.req = null))
    next()
  })
  io.on('connection', (socket) => {
    const conn = socket.conn as unknown as { request: HandshakeRequest }
    const request = conn.request
    const response = request[RESPONSE]
    // A long-polling handshake's real response finished long ago and goes with its request
    if (response && !(response instanceof ServerResponse)) response.req = null
    conn.request = whatIsReadLater(request)
  })
}

// What is read of the request's socket (Socket.io's `handshake.secure`), one of two for every connection
const ENCRYPTED = Object.freeze({ encrypted: true })
const PLAIN = Object.freeze({ encrypted: false })

function whatIsReadLater(request: HandshakeRequest) {
  const { headers, url, _query } = request as HandshakeRequest & { _query?: unknown }
  const socket = (request.socket as { encrypted?: boolean } | null)?.encrypted ? ENCRYPTED : PLAIN
  return { headers, url, _query, connection: socket, socket } as unknown as HandshakeRequest
}

type EngineSession = { once(event: 'upgrade', listener: () => void): void }

function engineSessionOf(io: Server, req: IncomingMessage): EngineSession | undefined {
  const sid = (req as IncomingMessage & { _query?: Record<string, string> })._query?.sid
  return sid ? (io.engine as unknown as { clients: Record<string, EngineSession> }).clients[sid] : undefined
}
