import type { Server, Socket } from 'socket.io'
import type { RealTimeConnection } from '@feathersjs/feathers'
import type { Application, HookContext } from '../../../declarations'
import { logger } from '../../../logging/logger'
import { beforeTeardown } from '../../../process/teardown'
import { guardConnections } from '../../../socketio/connection-limits'
import type { ConnectionGuard } from '../../../socketio/connection-limits'
import { answerMethodsNoServiceOffers } from '../../../socketio/methods'
import { closeTransport } from '../../../socketio/end-connections'
import type { User } from '../../identity/users/users.schema'
import { ConnectionRooms } from './rooms'
import { OnlinePresence } from './presence'
import { Typing } from './typing'
import { ChannelViews } from './views'

/**
 * The one owner of a Socket.io connection's life, in this order: connect (the
 * per-address budget and bound on open connections, which run before Feathers
 * authenticates the handshake, the client's address, and the per-person bound for a
 * handshake that carried a token), login (the per-person bound, rooms, then presence),
 * re-authentication (the same, for whoever logged in now), logout, and disconnect. It
 * builds the parts it calls.
 */
export class Connections {
  readonly rooms: ConnectionRooms
  readonly presence: OnlinePresence
  readonly typing: Typing
  private guard: ConnectionGuard
  private answerUnoffered: (socket: Socket) => void
  // Feathers hands services the connection (socket.feathers); room work needs its socket
  private sockets = new WeakMap<RealTimeConnection, Socket>()

  constructor(app: Application, io: Server) {
    this.guard = guardConnections(app, io)
    this.answerUnoffered = answerMethodsNoServiceOffers(app)
    this.rooms = new ConnectionRooms(app, io)
    this.presence = new OnlinePresence(app, io)
    this.typing = new Typing(app, io)
    app.service('presence').serveConnections(new ChannelViews(this.socketOf, this.typing))

    io.on('connection', (socket) => this.connected(socket))
    // Rooms are joined before the login answer leaves, so the first event after it arrives
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

  socketOf = (connection: RealTimeConnection | undefined) =>
    connection ? this.sockets.get(connection) : undefined

  private connected(socket: Socket) {
    const connection = (socket as any).feathers as RealTimeConnection
    this.guard.admitted(socket)
    this.sockets.set(connection, socket)
    this.answerUnoffered(socket)
    socket.on('disconnect', () => this.disconnected(socket))
    // Authenticated by a header during the handshake, before the connection existed here
    const user = connection.user as User | undefined
    if (user)
      this.presence.track(
        this.rooms
          .join(socket, user)
          .catch(logJoinError)
          .then(() => this.presence.signOn(socket, user))
      )
  }

  /** Login and re-authentication alike: the user's rooms, then their presence. */
  private async loggedIn(context: HookContext) {
    const socket = this.socketOf(context.params.connection)
    const user: User | undefined = context.result?.user
    if (!socket || !user) return
    // Before anything is joined: a refusal leaves the connection as it was, and then ends it
    this.guard.signedIn(socket, user)
    await this.rooms.join(socket, user)
    await this.presence.signOn(socket, user)
  }

  private loggedOut(connection: RealTimeConnection | undefined) {
    const socket = this.socketOf(connection)
    if (!socket) return
    this.guard.signedOut(socket)
    this.rooms.leave(socket)
    this.presence.track(this.presence.signOff(socket))
  }

  private disconnected(socket: Socket) {
    this.guard.ended()
    this.typing.endAll(socket)
    this.presence.track(this.presence.signOff(socket))
  }

  private async close() {
    this.typing.close()
    await this.presence.close()
  }
}

const logJoinError = (error: any) =>
  logger.error('could not restore a connection’s rooms', { error: error?.message })
