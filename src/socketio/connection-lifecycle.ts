import type { Server, Socket } from 'socket.io'
import type { RealTimeConnection } from '@feathersjs/feathers'
import type { Application, HookContext } from '../declarations'
import type { Id } from '../schema-types'
import { logger } from '../logging/logger'
import { beforeTeardown } from '../process/teardown'
import { guardConnections } from './connection-limits'
import type { ConnectionGuard } from './connection-limits'
import { routeMethodCalls } from './methods'
import { closeTransport } from './end-connections'

/** Whom a connection is signed in as: the user that authentication put on it. */
export interface SignedInPerson {
  id: Id
  role?: string
}

/**
 * What a module does at the steps of a connection's life. Every step is optional; the
 * lifecycle calls the registrations in the order they were made.
 */
export interface ConnectionSteps {
  /**
   * A person is known on the connection: login, re-authentication, or a handshake that
   * carried a token. A login's answer waits for this step and carries its error.
   */
  signedIn?(socket: Socket, person: SignedInPerson): Promise<unknown> | void
  /** Logout: the connection stays open with nobody signed in on it. */
  signedOut?(socket: Socket): void
  disconnected?(socket: Socket): void
  /** At teardown, once the sign-ins under way have settled. */
  close?(): Promise<unknown> | void
}

/**
 * The one owner of a Socket.io connection's life, in this order: connect (the
 * per-address budget and bound on open connections, which run before Feathers
 * authenticates the handshake, the client's address, and the per-person bound for a
 * handshake that carried a token), login (the per-person bound, then each module's
 * steps), re-authentication (the same, for whoever logged in now), logout, and
 * disconnect. The app-wide transport guards are built here; modules register what they
 * do on a connection (`register`) and never handle Socket.io's events themselves.
 */
export class ConnectionLifecycle {
  private guard: ConnectionGuard
  private routeCalls: (socket: Socket) => void
  private registrations: { name: string; steps: ConnectionSteps }[] = []
  // Feathers hands services the connection (socket.feathers); room work needs its socket
  private sockets = new WeakMap<RealTimeConnection, Socket>()
  private pending = new Set<Promise<unknown>>()
  // One listener for every connection's disconnect (Socket.io calls it with the socket as
  // `this`), where a closure of each connection's own held the socket for its whole life;
  // it also announces the disconnect to the app, in place of the closure Feathers gives each
  private onDisconnect: (this: Socket) => void

  constructor(app: Application, io: Server) {
    this.guard = guardConnections(app, io)
    this.routeCalls = routeMethodCalls(app)
    const lifecycle = this
    this.onDisconnect = function () {
      app.emit('disconnect', (this as any).feathers)
      lifecycle.disconnected(this)
    }

    io.on('connection', (socket) => this.connected(socket))
    // Modules' steps run before the login answer leaves, so the first event after it arrives
    app
      .service('authentication')
      .hooks({ after: { create: [(context: HookContext) => this.loggedIn(context)] } })
    // Feathers ends a connection whose token expired with socket.disconnect(), after which
    // a client never reconnects; closing its transport first makes the client come back and
    // find out, on re-authenticating, whether its stored token still holds
    app.prependListener('disconnect', (connection: RealTimeConnection) => {
      const socket = this.socketOf(connection)
      if (socket?.connected) closeTransport(socket)
    })
    app.on('logout', (_result: unknown, { connection }: { connection?: RealTimeConnection }) =>
      this.loggedOut(connection)
    )
    beforeTeardown(app, () => this.close())
  }

  /** `name` says in the log whose step failed when no caller hears it. */
  register(name: string, steps: ConnectionSteps) {
    this.registrations.push({ name, steps })
  }

  socketOf = (connection: RealTimeConnection | undefined) =>
    connection ? this.sockets.get(connection) : undefined

  private connected(socket: Socket) {
    const connection = (socket as any).feathers as RealTimeConnection
    this.guard.admitted(socket)
    this.sockets.set(connection, socket)
    this.routeCalls(socket)
    // The only disconnect listener so far is Feathers' own (its middleware adds it during
    // the handshake): a closure per connection, doing what the shared one does first
    socket.removeAllListeners('disconnect')
    socket.on('disconnect', this.onDisconnect)
    // Authenticated by a header during the handshake, before the connection existed here
    const person = connection.user as SignedInPerson | undefined
    if (person) this.inBackground(this.restore(socket, person))
  }

  /** A handshake's sign-in has no caller to answer: each step's failure is logged, and the next runs. */
  private async restore(socket: Socket, person: SignedInPerson) {
    for (const { name, steps } of this.registrations) {
      try {
        await steps.signedIn?.(socket, person)
      } catch (error: any) {
        logger.error(`could not restore a connection’s ${name}`, { error: error?.message })
      }
    }
  }

  /** Login and re-authentication alike: each module's steps, in the order they registered. */
  private async loggedIn(context: HookContext) {
    const socket = this.socketOf(context.params.connection)
    const person: SignedInPerson | undefined = context.result?.user
    if (!socket || !person) return
    // Before anything is joined: a refusal leaves the connection as it was, and then ends it
    this.guard.signedIn(socket, person)
    for (const { steps } of this.registrations) await steps.signedIn?.(socket, person)
  }

  private loggedOut(connection: RealTimeConnection | undefined) {
    const socket = this.socketOf(connection)
    if (!socket) return
    this.guard.signedOut(socket)
    for (const { steps } of this.registrations) steps.signedOut?.(socket)
  }

  private disconnected(socket: Socket) {
    this.guard.ended()
    for (const { steps } of this.registrations) steps.disconnected?.(socket)
  }

  private inBackground(work: Promise<unknown>) {
    this.pending.add(work)
    work.finally(() => this.pending.delete(work))
  }

  private async close() {
    await Promise.allSettled([...this.pending])
    for (const { steps } of this.registrations) await steps.close?.()
  }
}
