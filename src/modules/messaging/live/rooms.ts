import type { Server, Socket } from 'socket.io'
import type { Application } from '../../../declarations'
import type { DomainEventMap } from '../../../events'
import type { Id } from '../../../schema-types'
import type { SignedInPerson } from '../../../socketio/connection-lifecycle'
import { isAdmin } from '../../../hooks/require-admin'
import { channelIdsOf } from '../access/channel-access'
import { createMembershipVersion } from './membership-version'

export const channelRoom = (channelId: Id) => `channel:${channelId}`
export const viewRoom = (channelId: Id) => `view:${channelId}`
export const userRoom = (userId: Id) => `user:${userId}`
export const ADMINS = 'admins'

const MAX_JOIN_READS = 5

/**
 * The rooms a connection sits in: one per channel its user is in, one for the user
 * (through which participant changes move all of that user's connections at once), and
 * the admins room for admins, which carries deleted messages' content.
 */
export class ConnectionRooms {
  private membershipVersion

  constructor(
    private app: Application,
    private io: Server
  ) {
    this.membershipVersion = createMembershipVersion(app)
  }

  /** At login and re-authentication: the user's rooms, read again while participant changes race the read. */
  async join(socket: Socket, user: SignedInPerson) {
    this.leave(socket)
    await socket.join(userRoom(user.id))
    if (isAdmin(user)) await socket.join(ADMINS)
    for (let attempt = 1; ; attempt++) {
      const version = await this.membershipVersion.current()
      const channelIds = await channelIdsOf(this.app.get('postgresqlClient'), user.id)
      if (!socket.connected) return
      // Under constant churn the last read stands; the next change moves the sockets anyway
      if (version !== (await this.membershipVersion.current()) && attempt < MAX_JOIN_READS) continue
      const rooms = new Set(channelIds.map(channelRoom))
      for (const room of socket.rooms) {
        if (room.startsWith('channel:') && !rooms.has(room)) socket.leave(room)
      }
      await socket.join([...rooms])
      return
    }
  }

  /** At logout: the connection hears nothing more until it logs in again. */
  leave(socket: Socket) {
    for (const room of [...socket.rooms]) if (room !== socket.id) socket.leave(room)
  }

  /**
   * A user written anywhere, heard once on each instance: the admins room follows the
   * role at once, and a disabled account's connections end (its history stays).
   */
  followUser({ user_id, is_admin, disabled }: DomainEventMap['identity.user.changed']) {
    const connections = this.io.local.in(userRoom(user_id))
    if (disabled) connections.disconnectSockets(true)
    else if (is_admin) connections.socketsJoin(ADMINS)
    else connections.socketsLeave(ADMINS)
  }

  /** Before participants join or leave: a login reading its channels meanwhile reads them again. */
  membershipChanging() {
    return this.membershipVersion.bump()
  }

  /** A participant's connections, on every instance, join the channel's room. */
  addUser(userId: Id, channelId: Id) {
    this.io.in(userRoom(userId)).socketsJoin(channelRoom(channelId))
  }

  /** A removed participant's connections, on every instance, leave the channel and its view. */
  removeUser(userId: Id, channelId: Id) {
    this.io.in(userRoom(userId)).socketsLeave([channelRoom(channelId), viewRoom(channelId)])
  }
}
