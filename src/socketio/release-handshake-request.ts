import { ServerResponse } from 'http'
import type { IncomingMessage } from 'http'
import type { Server } from 'socket.io'

const RESPONSE = Symbol('engine.io handshake response')

type HandshakeRequest = IncomingMessage & { [RESPONSE]?: { req: unknown } }

/**
 * Engine.io keeps each session's first HTTP request (its IncomingMessage, raw headers and
 * parser state) for the connection's whole life, for code that reads `socket.request`
 * later; nothing here does: the handshake's headers, address and query are copied into
 * `socket.handshake` and the call params before the connection is announced. Letting the
 * request go is Socket.io's own advice for memory per connection. Over WebSocket the
 * request is also held by the upgrade's stand-in response (engine.io's
 * WebSocketResponse, until the socket closes), which is reached here through an engine
 * middleware, the one place engine.io hands it out.
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
    const conn = socket.conn as unknown as { request: HandshakeRequest | null }
    const response = conn.request?.[RESPONSE]
    // A long-polling handshake's real response finished long ago and goes with its request
    if (response && !(response instanceof ServerResponse)) response.req = null
    if (conn.request) delete conn.request[RESPONSE]
    conn.request = null
  })
}

type EngineSession = { once(event: 'upgrade', listener: () => void): void }

function engineSessionOf(io: Server, req: IncomingMessage): EngineSession | undefined {
  const sid = (req as IncomingMessage & { _query?: Record<string, string> })._query?.sid
  return sid ? (io.engine as unknown as { clients: Record<string, EngineSession> }).clients[sid] : undefined
}
