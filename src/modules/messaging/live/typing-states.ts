import type { Server, Socket } from 'socket.io'
import type { Application } from '../../../declarations'
import type { Id } from '../../../schema-types'
import { TypingAnnouncer } from './typing-announcer'
import { userRoom, viewRoom } from './rooms'

/**
 * Who is typing where, per connection: a typing state lasts `typing_seconds` unless
 * refreshed, and ends on `typing: false`, on leaving the view, on a message sent there and
 * on disconnect. What the viewers hear of it is throttled per person and channel (see
 * TypingAnnouncer), so a client that reports every keystroke, or floods true and false,
 * costs the room one event per interval.
 */
export class TypingStates {
  // Per connection and channel: when its typing state lapses unless refreshed
  private lapses = new Map<Socket, Map<Id, NodeJS.Timeout>>()
  private announcer: TypingAnnouncer
  private lapseMs: number

  constructor(app: Application, io: Server) {
    const { typing_seconds, typing_throttle_ms } = app.get('presence')
    this.lapseMs = typing_seconds * 1000
    this.announcer = new TypingAnnouncer(typing_throttle_ms, (channelId, userId, typing) =>
      io
        .to(viewRoom(channelId))
        .except(userRoom(userId))
        .emit('presence typing', { channel_id: channelId, user_id: userId, typing })
    )
  }

  start(socket: Socket, channelId: Id, userId: Id) {
    const states = this.lapses.get(socket) ?? new Map<Id, NodeJS.Timeout>()
    this.lapses.set(socket, states)
    clearTimeout(states.get(channelId))
    states.set(
      channelId,
      setTimeout(() => this.end(socket, channelId), this.lapseMs)
    )
    this.announcer.set(channelId, userId, true)
  }

  end(socket: Socket, channelId: Id) {
    const states = this.lapses.get(socket)
    const lapse = states?.get(channelId)
    if (!lapse) return
    clearTimeout(lapse)
    states!.delete(channelId)
    if (!states!.size) this.lapses.delete(socket)
    const userId = socket.data.presenceUserId
    if (userId !== undefined) this.announcer.set(channelId, userId, false)
  }

  /** A message sent ends its sender's typing in that channel, on each of their connections here. */
  endForMessage(userId: Id, channelId: Id) {
    const typers = [...this.lapses].filter(
      ([socket, states]) => socket.data.presenceUserId === userId && states.has(channelId)
    )
    typers.forEach(([socket]) => this.end(socket, channelId))
    this.announcer.stopNow(channelId, userId)
  }

  /** A connection that closes stops typing everywhere. */
  endAll(socket: Socket) {
    for (const channelId of [...(this.lapses.get(socket)?.keys() ?? [])]) this.end(socket, channelId)
  }

  close() {
    this.announcer.close()
  }
}
