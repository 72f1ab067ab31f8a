import type { IncomingMessage } from 'http'
import type { Server } from 'socket.io'

const SESSION_ID = Symbol('engine.io session id')

/**
 * Names a new Socket.io session's id in the handshake's `X-Socketio-Sid` header. Behind
 * a load balancer, long-polling is a series of requests that must all reach the instance
 * holding the session; browsers stay through a cookie, but native apps and Node clients
 * keep no cookies. They send the id as `?sid=` on every later request, so a balancer that
 * stores this header per instance (deploy/haproxy.cfg) keeps them too, with no reliance on
 * source addresses (a site behind one NAT would otherwise all land on one instance).
 */
export function nameSessionIds(io: Server) {
  const engine = io.engine as unknown as { generateId(req: IncomingMessage): string | Promise<string> }
  const generate = engine.generateId.bind(engine)
  engine.generateId = async (req) => ((req as any)[SESSION_ID] = await generate(req))
  io.engine.on('initial_headers', (headers: Record<string, string>, req: IncomingMessage) => {
    const id = (req as any)[SESSION_ID]
    if (typeof id === 'string') headers['X-Socketio-Sid'] = id
  })
}
