import type { Server, Socket } from 'socket.io'
import { TooManyRequests } from '@feathersjs/errors'
import type { Application } from '../declarations'
import { metricsOf } from '../http/metrics'
import { logger } from '../operations/logger'
import { beforeTeardown } from '../operations/lifecycle'
import { createRateLimiter } from '../operations/rate-limit'
import { socketAddress } from './client-address'
import { cutConnection } from './end-connections'
import { budgetPackets } from './packet-budget'

const WINDOW_SECONDS = 60

type ConnectionMiddleware = Parameters<Server['use']>[0]

/**
 * Feathers authenticates a handshake's Authorization header (and starts the token's
 * expiry timer, a day long) in a middleware it registers when it creates the server,
 * before any of ours, and socket.io has no public way to go ahead of it. The budget must:
 * a refused handshake is then never authenticated and holds nothing.
 */
function useFirst(io: Server, middleware: ConnectionMiddleware) {
  const registered = (io.of('/') as unknown as { _fns?: ConnectionMiddleware[] })._fns
  if (!Array.isArray(registered)) throw new Error('socket.io changed: the connection budget cannot be put first')
  registered.unshift(middleware)
}

/** What the connection guard does when a connection is admitted and when it ends. */
export interface ConnectionGuard {
  admitted(socket: Socket): void
  ended(): void
}

/**
 * Guards Socket.io connections: a per-address budget of new connections a minute,
 * shared across instances (refused with a 429 error the client sees as `connect_error`),
 * connect and disconnect counts, the dropping of connections that cannot keep up with
 * what is sent to them (their unsent packets would otherwise grow without bound), and
 * each connection's budget of packets it sends (./packet-budget.ts). The handshake's
 * middlewares are installed here; the connection's owner calls the rest.
 */
export const guardConnections = (app: Application, io: Server): ConnectionGuard => {
  const { per_ip_per_minute, trust_proxy, max_buffered_packets } = app.get('connections')
  const metrics = metricsOf(app)
  const budget = createRateLimiter(app, 'connections', { points: per_ip_per_minute, windowSeconds: WINDOW_SECONDS })

  useFirst(io, (socket, next) => {
    budget.consume(socketAddress(socket, trust_proxy)).then(
      ({ allowed }) => {
        if (allowed) return next()
        metrics.socketsRefused.inc()
        const refusal = new TooManyRequests('Too many new connections from this address; try again in a minute')
        next(Object.assign(new Error(refusal.message), { data: refusal.toJSON() }))
      },
      // Without Redis to count in, connections are let in rather than refused
      () => next()
    )
  })
  io.use((socket, next) => {
    // Every call over this connection carries its address as `params.address`, as REST
    // calls do (set here: the budget runs before Feathers gives the socket its params)
    ;(socket as any).feathers.address = socketAddress(socket, trust_proxy)
    // A client gone before its handshake completed gets no disconnect event: what the
    // handshake's authentication started (the token's expiry timer) ends here instead
    const release = () => {
      if (!socket.data.admitted) app.emit('disconnect', (socket as any).feathers)
    }
    if (socket.conn.readyState === 'closed') release()
    else socket.conn.once('close', release)
    next()
  })

  const slowConsumerCheck = setInterval(() => {
    for (const socket of io.of('/').sockets.values()) {
      // Engine.io queues packets here while the connection has not taken the previous ones
      const buffered: number = (socket.conn as any).writeBuffer.length
      if (buffered <= max_buffered_packets) continue
      metrics.slowConsumersDropped.inc({ reason: 'socket buffer' })
      logger.warn('dropping a connection that cannot keep up', { buffered })
      cutConnection(socket.conn)
    }
  }, 1000)
  slowConsumerCheck.unref()
  beforeTeardown(app, () => clearInterval(slowConsumerCheck))

  budgetPackets(app, io)
  return {
    admitted(socket) {
      socket.data.admitted = true
      metrics.socketConnects.inc()
    },
    ended: () => metrics.socketDisconnects.inc()
  }
}
