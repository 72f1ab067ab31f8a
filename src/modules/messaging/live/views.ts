import type { Socket } from 'socket.io'
import type { RealTimeConnection } from '@feathersjs/feathers'
import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { Id } from '../../../schema-types'
import { NOT_PARTICIPANT, mayViewAndType } from '../access/channel-access'
import type { ChannelViews } from '../services/presence/presence.class'
import type { TypingStates } from './typing-states'
import { channelRoom, viewRoom } from './rooms'

type SocketOf = (connection: RealTimeConnection | undefined) => Socket | undefined

/**
 * The presence service's Socket.io-only methods, acting on the calling connection: a
 * participant's connection views a channel (its `view:<id>` room hears typing) and types
 * there; leaving the view ends its typing.
 */
export class SocketChannelViews implements ChannelViews {
  constructor(
    private socketOf: SocketOf,
    private typingStates: TypingStates
  ) {}

  private socketBehind(connection: RealTimeConnection | undefined) {
    const socket = this.socketOf(connection)
    if (!socket) throw new BadRequest('Presence methods work over Socket.io only')
    return socket
  }

  /** The socket behind a call, which must be a participant's (its channel room follows participation). */
  private participantSocket(connection: RealTimeConnection | undefined, channelId: Id) {
    const socket = this.socketBehind(connection)
    if (!mayViewAndType({ participant: socket.rooms.has(channelRoom(channelId)) }))
      throw new Forbidden(NOT_PARTICIPANT)
    return socket
  }

  async view(connection: RealTimeConnection | undefined, channelId: Id) {
    await this.participantSocket(connection, channelId).join(viewRoom(channelId))
  }

  async leave(connection: RealTimeConnection | undefined, channelId: Id) {
    const socket = this.socketBehind(connection)
    this.typingStates.end(socket, channelId)
    await socket.leave(viewRoom(channelId))
  }

  typing(connection: RealTimeConnection | undefined, channelId: Id, userId: Id, typing: boolean) {
    const socket = this.participantSocket(connection, channelId)
    if (typing) this.typingStates.start(socket, channelId, userId)
    else this.typingStates.end(socket, channelId)
  }
}
