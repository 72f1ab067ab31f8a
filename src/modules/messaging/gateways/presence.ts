import type { Server, Socket } from 'socket.io'
import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { RealTimeConnection } from '@feathersjs/feathers'
import type { Application, HookContext } from '../../../declarations'
import type { Id } from '../../../events'
import { logger } from '../../../operations/logger'
import { isClustered } from '../../../operations/redis'
import type { User } from '../../identity/users/users.schema'
import { NOT_PARTICIPANT } from '../channel-access'
import type { Message } from '../services/messages/messages.schema'
import { channelRoom, socketOf, trackSockets, userRoom, viewRoom } from './connections'
import { MemoryPresenceStore, RedisPresenceStore } from '../services/presence/presence-store'
import type { PresenceStore } from '../services/presence/presence-store'
import { TypingAnnouncer } from './typing-announcer'

export interface PresenceStatus {
  user_id: Id
  online: boolean
  last_seen_at: string | null
}


const gateways = new WeakMap<Application, PresenceGateway>()

export const presenceGatewayOf = (app: Application) => gateways.get(app)!

/**
 * Who is online (per user, across instances), who is viewing which channel, and who is
 * typing. Transitions are announced as `presence patched` to the people who share a
 * channel with that user; typing as `presence typing` to the channel's viewers.
 */
export class PresenceGateway {
  readonly store: PresenceStore
  private io?: Server
  // Per connection and channel: when its typing state lapses unless refreshed
  private typing = new Map<Socket, Map<Id, NodeJS.Timeout>>()
  private typingAnnouncer: TypingAnnouncer
  private pending = new Set<Promise<unknown>>()
  private heartbeatTimer?: NodeJS.Timeout
  // Connections are counted once this instance has announced itself alive
  private started: Promise<unknown> = Promise.resolve()

  constructor(private app: Application) {
    const { expiry_seconds, typing_throttle_ms } = app.get('presence')
    this.typingAnnouncer = new TypingAnnouncer(typing_throttle_ms, (channelId, userId, typing) =>
      this.emitTyping(channelId, userId, typing)
    )
    this.store = isClustered(app)
      ? new RedisPresenceStore(app.get('instanceId'), app.get('redisClient')!, app.get('redis').keyPrefix, expiry_seconds)
      : new MemoryPresenceStore()
    gateways.set(app, this)
  }

  attach(io: Server) {
    this.io = io
    trackSockets(io)
    io.on('connection', (socket) => {
      // Authenticated by a header during the handshake, before the socket was tracked
      const connection = (socket as any).feathers as RealTimeConnection
      if (connection.user) this.track(this.signOn(connection, connection.user))
      socket.on('disconnect', () => {
        this.stopTyping(socket)
        this.track(this.signOff(socket))
      })
    })
    this.app.service('authentication').hooks({
      after: { create: [async (context: HookContext) => this.signOn(context.params.connection, context.result?.user)] }
    })
    this.app.on('logout', (_result: unknown, { connection }: any) => {
      const socket = socketOf(connection)
      if (socket) this.track(this.signOff(socket))
    })
    this.app.service('messages').on('created', (message: Message) => this.endTypingOf(message.sender_id, message.channel_id))
    this.startHeartbeat()
  }

  private startHeartbeat() {
    const beat = async () => {
      // Cut off from Redis for longer than the expiry, this instance was taken for dead
      if (await this.store.heartbeat()) await this.restoreCounts()
      const gone = await this.store.reapDeadInstances()
      await Promise.all(gone.map((userId) => this.announce(userId, false)))
    }
    this.started = beat().catch((error) => logger.error('presence heartbeat failed', { error: error?.message }))
    const everyMs = (this.app.get('presence').expiry_seconds * 1000) / 3
    this.heartbeatTimer = setInterval(() => this.track(beat()), everyMs)
    this.heartbeatTimer.unref()
  }

  private async restoreCounts() {
    const counts = new Map<Id, number>()
    for (const socket of this.io?.of('/').sockets.values() ?? []) {
      const userId: Id | undefined = socket.data.presenceUserId
      if (userId !== undefined) counts.set(userId, (counts.get(userId) ?? 0) + 1)
    }
    logger.warn('presence lapsed: restoring this instance’s connections', { users: counts.size })
    await this.store.restore(counts)
    await Promise.all([...counts.keys()].map((userId) => this.announce(userId, true)))
  }

  /** Waits for announcements under way, then stops counting this instance. */
  async close() {
    clearInterval(this.heartbeatTimer)
    this.typingAnnouncer.close()
    await Promise.allSettled([...this.pending])
    await this.store.close()
  }

  private track(work: Promise<unknown>) {
    const guarded = work.catch((error) => logger.error('presence update failed', { error: error?.message }))
    this.pending.add(guarded)
    guarded.finally(() => this.pending.delete(guarded))
  }

  private async signOn(connection: RealTimeConnection | undefined, user: User | undefined) {
    const socket = socketOf(connection)
    if (!socket || !user || socket.data.presenceUserId === user.id) return
    await this.signOff(socket)
    socket.data.presenceUserId = user.id
    await this.started
    if (await this.store.connect(user.id)) await this.announce(user.id, true)
  }

  private async signOff(socket: Socket) {
    const userId: Id | undefined = socket.data.presenceUserId
    if (userId === undefined) return
    delete socket.data.presenceUserId
    if (await this.store.disconnect(userId)) await this.announce(userId, false)
  }

  private async announce(userId: Id, online: boolean) {
    const db = this.app.get('postgresqlClient')
    const [{ last_seen_at }] = await db('user_presence')
      .insert({ user_id: userId, last_seen_at: db.fn.now() })
      .onConflict('user_id')
      .merge()
      .returning('last_seen_at')
    const channels: Id[] = await db('chat_participants').where({ user_id: userId }).whereNull('removed_at').pluck('channel_id')
    if (!channels.length || !this.io) return
    const status: PresenceStatus = { user_id: userId, online, last_seen_at }
    this.io.to(channels.map(channelRoom)).except(userRoom(userId)).emit('presence patched', status)
  }

  async statuses(userIds: Id[]): Promise<PresenceStatus[]> {
    const online = await this.store.online(userIds)
    const rows: { user_id: Id; last_seen_at: string }[] = await this.app
      .get('postgresqlClient')('user_presence')
      .whereIn('user_id', userIds)
    const lastSeen = new Map(rows.map((row) => [row.user_id, row.last_seen_at]))
    return userIds.map((user_id) => ({
      user_id,
      online: online.has(user_id),
      last_seen_at: lastSeen.get(user_id) ?? null
    }))
  }

  /** The socket behind a call, which must be a participant's (its channel room says so). */
  private participantSocket(connection: RealTimeConnection | undefined, channelId: Id) {
    const socket = socketOf(connection)
    if (!socket) throw new BadRequest('Presence methods work over Socket.io only')
    if (!socket.rooms.has(channelRoom(channelId))) throw new Forbidden(NOT_PARTICIPANT)
    return socket
  }

  async view(connection: RealTimeConnection | undefined, channelId: Id) {
    await this.participantSocket(connection, channelId).join(viewRoom(channelId))
  }

  async leave(connection: RealTimeConnection | undefined, channelId: Id) {
    const socket = socketOf(connection)
    if (!socket) throw new BadRequest('Presence methods work over Socket.io only')
    this.endTyping(socket, channelId)
    await socket.leave(viewRoom(channelId))
  }

  /**
   * A typing state lasts `typing_seconds` unless refreshed; what the viewers hear of it
   * is throttled per person and channel (see TypingAnnouncer), so a client that reports
   * every keystroke, or floods true and false, costs the room one event per interval.
   */
  setTyping(connection: RealTimeConnection | undefined, channelId: Id, userId: Id, typing: boolean) {
    const socket = this.participantSocket(connection, channelId)
    if (!typing) return this.endTyping(socket, channelId)
    const states = this.typing.get(socket) ?? new Map<Id, NodeJS.Timeout>()
    this.typing.set(socket, states)
    clearTimeout(states.get(channelId))
    const lapseMs = this.app.get('presence').typing_seconds * 1000
    states.set(channelId, setTimeout(() => this.endTyping(socket, channelId), lapseMs))
    this.typingAnnouncer.set(channelId, userId, true)
  }

  private endTyping(socket: Socket, channelId: Id) {
    const states = this.typing.get(socket)
    const lapse = states?.get(channelId)
    if (!lapse) return
    clearTimeout(lapse)
    states!.delete(channelId)
    if (!states!.size) this.typing.delete(socket)
    const userId = socket.data.presenceUserId
    if (userId !== undefined) this.typingAnnouncer.set(channelId, userId, false)
  }

  /** A message sent ends its sender's typing in that channel, on each of their connections here. */
  private endTypingOf(userId: Id, channelId: Id) {
    const typers = [...this.typing].filter(([socket, states]) => socket.data.presenceUserId === userId && states.has(channelId))
    typers.forEach(([socket]) => this.endTyping(socket, channelId))
    this.typingAnnouncer.stopNow(channelId, userId)
  }

  private stopTyping(socket: Socket) {
    for (const channelId of [...(this.typing.get(socket)?.keys() ?? [])]) this.endTyping(socket, channelId)
  }

  private emitTyping(channelId: Id, userId: Id, typing: boolean) {
    this.io?.to(viewRoom(channelId)).except(userRoom(userId)).emit('presence typing', {
      channel_id: channelId,
      user_id: userId,
      typing
    })
  }
}
