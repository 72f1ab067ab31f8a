import type { Server, Socket } from 'socket.io'
import { TooManyRequests } from '@feathersjs/errors'
import type { Application } from '../declarations'
import { metricsOf } from '../metrics/registry'
import { logger } from '../logging/logger'
import { beforeTeardown } from '../process/teardown'
import { createRateLimiter } from '../limits/rate-limit'
import { socketAddress } from './client-address'
import { DEFAULT_MAX_PER_ADDRESS, DEFAULT_MAX_PER_USER, OpenConnections } from './open-connections'
import { cutConnection } from './end-connections'
import { budgetPackets } from './packet-budget'
import { fitConnectionToSize } from './fit-to-size'

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
  if (!Array.isArray(registered))
    throw new Error('socket.io changed: the connection budget cannot be put first')
  registered.unshift(middleware)
}

/** What the connection guard does at each step of a connection's life. */
export interface ConnectionGuard {
  admitted(socket: Socket): void
  /** Counts the connection as `user`'s; throws a 429 and ends it if they have too many open. */
  signedIn(socket: Socket, user: Person): void
  signedOut(socket: Socket): void
  ended(): void
}

type Person = { id: string | number }
type Refusal = 'new_per_address' | 'open_per_address' | 'open_per_person'

/**
 * Guards Socket.io connections: a per-address budget of new connections a minute,
 * shared across instances, and bounds on the connections open on this instance per
 * address (`max_per_address`) and per person (`max_per_user`), each refused with a 429
 * error the client sees as `connect_error` (or as the answer to its `authenticate`
 * call); connect and disconnect counts; the dropping of connections that cannot keep up
 * with what is sent to them (their unsent packets would otherwise grow without bound);
 * and each connection's budget of packets it sends (./packet-budget.ts). The
 * handshake's middlewares are installed here; the connection's owner calls the rest.
 */
export const guardConnections = (app: Application, io: Server): ConnectionGuard => {
  const { per_ip_per_minute, trust_proxy, max_buffered_packets } = app.get('connections')
  const maxPerUser = app.get('connections').max_per_user ?? DEFAULT_MAX_PER_USER
  const maxPerAddress = app.get('connections').max_per_address ?? DEFAULT_MAX_PER_ADDRESS
  const metrics = metricsOf(app)
  const budget = createRateLimiter(app, 'connections', {
    points: per_ip_per_minute,
    windowSeconds: WINDOW_SECONDS
  })
  const open = new OpenConnections({ maxPerUser, maxPerAddress })

  const refusal = (reason: Refusal, message: string) => {
    metrics.socketsRefused.inc({ reason })
    return new TooManyRequests(message)
  }
  const tooManyForPerson = () =>
    refusal(
      'open_per_person',
      `Too many open connections for this person (${maxPerUser}): close a tab or device and try again`
    )

  // What gives back a connection that ends between the handshake and its admission
  const unadmitted = new WeakMap<Socket, () => void>()

  useFirst(io, (socket, next) => {
    const address = socketAddress(socket, trust_proxy)
    budget
      .consume(address)
      // Without Redis to count in, connections are let in rather than refused
      .catch(() => ({ allowed: true }))
      .then(({ allowed }) => {
        if (!allowed)
          return next(
            handshakeError(
              refusal('new_per_address', 'Too many new connections from this address; try again in a minute')
            )
          )
        if (!open.open(socket.conn, address)) {
          return next(
            handshakeError(
              refusal(
                'open_per_address',
                `Too many open connections from this address (${maxPerAddress}); try again later`
              )
            )
          )
        }
        next()
      })
  })
  io.use((socket, next) => {
    const connection = (socket as any).feathers
    // Every call over this connection carries its address as `params.address`, as REST
    // calls do (set here: the budget runs before Feathers gives the socket its params)
    connection.address = socketAddress(socket, trust_proxy)
    // A client gone before its handshake completed gets no disconnect event: what the
    // handshake's authentication started (the token's expiry timer) ends here instead
    let released = false
    const release = () => {
      if (released || socket.data.admitted) return
      released = true
      app.emit('disconnect', connection)
    }
    if (socket.conn.readyState === 'closed') release()
    else {
      socket.conn.once('close', release)
      // Admitted, the connection is given back by the lifecycle: nothing to hold until it closes
      unadmitted.set(socket, release)
    }
    // Authenticated by its handshake's header: the person is known before it connects
    const user: Person | undefined = connection.user
    if (user && !open.signIn(socket.conn, user.id)) {
      release()
      return next(handshakeError(tooManyForPerson()))
    }
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
      const release = unadmitted.get(socket)
      if (release) socket.conn.off('close', release)
      unadmitted.delete(socket)
      // Its listeners are final now (./fit-to-size.ts)
      fitConnectionToSize(socket)
      metrics.socketConnects.inc()
    },
    signedIn(socket, user) {
      if (open.signIn(socket.conn, user.id)) return
      // After the refusal has been queued as the answer to the login: the client hears
      // why, then the end of the connection ("io server disconnect": no reconnecting into
      // the same refusal)
      setImmediate(() => socket.disconnect(true))
      throw tooManyForPerson()
    },
    signedOut: (socket) => open.signOut(socket.conn),
    ended: () => metrics.socketDisconnects.inc()
  }
}

// socket.io hands the client an error's `message` and `data` only: `data` carries the Feathers error
const handshakeError = (error: TooManyRequests) =>
  Object.assign(new Error(error.message), { data: error.toJSON() })
