import type { Server, Socket } from 'socket.io'
import type { Application } from '../../../declarations'
import type { Id } from '../../../schema-types'
import { logger } from '../../../logging/logger'
import type { SignedInPerson } from '../../../socketio/connection-lifecycle'
import type { PresenceService } from '../services/presence/presence.class'
import type { DomainEvents } from '../../../events'
import { PresenceHeartbeat } from './presence-heartbeat'
import { channelRoom, userRoom } from './rooms'

/**
 * Who is online, per user across instances: a connection signs its user on at login and
 * off at logout or disconnect, and the first and last connections anywhere are announced
 * as `presence patched` to the people who share a channel with that user.
 */
export class OnlinePresence {
  private service: PresenceService
  private events: DomainEvents
  private heartbeat: PresenceHeartbeat
  private pending = new Set<Promise<unknown>>()

  constructor(
    app: Application,
    private io: Server
  ) {
    this.service = app.service('presence')
    this.events = app.get('events')
    this.heartbeat = new PresenceHeartbeat(app, io, this)
  }

  /** Runs presence work in the background; teardown waits for it. */
  track(work: Promise<unknown>) {
    const guarded = work.catch((error) => logger.error('presence update failed', { error: error?.message }))
    this.pending.add(guarded)
    guarded.finally(() => this.pending.delete(guarded))
  }

  async signOn(socket: Socket, user: SignedInPerson) {
    if (socket.data.presenceUserId === user.id) return
    await this.signOff(socket)
    socket.data.presenceUserId = user.id
    // Connections are counted once this instance has announced itself alive
    await this.heartbeat.started
    if (await this.service.store.connect(user.id)) await this.announce(user.id, true)
  }

  async signOff(socket: Socket) {
    const userId: Id | undefined = socket.data.presenceUserId
    if (userId === undefined) return
    delete socket.data.presenceUserId
    if (await this.service.store.disconnect(userId)) await this.announce(userId, false)
  }

  async announce(userId: Id, online: boolean) {
    const { status, channelIds } = await this.service.recordTransition(userId, online)
    if (channelIds.length)
      this.io.to(channelIds.map(channelRoom)).except(userRoom(userId)).emit('presence patched', status)
    // After the announcement: what listens (notifications planning for who left) may take a while
    await this.events.emit('chat.presence.changed', { user_id: userId, online })
  }

  /** Waits for announcements under way, then stops counting this instance. */
  async close() {
    this.heartbeat.stop()
    await Promise.allSettled([...this.pending])
    // The instance's `alive` key expires by itself (presence.expiry_seconds): a Redis that
    // refuses the write (a read-only replica, a cluster without every slot) leaves it to
    // expire, and the shutdown still ends cleanly
    await this.service.store.close().catch((error) =>
      logger.warn('could not remove this instance’s presence at shutdown; it expires by itself', {
        error: error?.message
      })
    )
  }
}
