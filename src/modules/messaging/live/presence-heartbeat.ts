import type { Server } from 'socket.io'
import type { Application } from '../../../declarations'
import type { Id } from '../../../schema-types'
import { logger } from '../../../logging/logger'
import type { PresenceStore } from '../services/presence/presence-store'

/** What a beat asks of presence (OnlinePresence, which starts the heartbeat). */
export interface PresenceAnnouncer {
  /** runs work in the background, which teardown waits for */
  track(work: Promise<unknown>): void
  announce(userId: Id, online: boolean): Promise<void>
}

/**
 * Keeps this instance counted: each beat renews its `alive` key, reaps the connections
 * of instances that died without saying so (announcing their users offline), and after
 * a lapse (cut off from Redis for longer than the expiry, this instance was taken for
 * dead) puts its live connections back.
 */
export class PresenceHeartbeat {
  /** settles after the first beat */
  readonly started: Promise<unknown>
  private timer: NodeJS.Timeout
  private store: PresenceStore

  constructor(
    app: Application,
    private io: Server,
    private presence: PresenceAnnouncer
  ) {
    this.store = app.service('presence').store
    this.started = this.beat().catch((error) =>
      logger.error('presence heartbeat failed', { error: error?.message })
    )
    const everyMs = (app.get('presence').expiry_seconds * 1000) / 3
    this.timer = setInterval(() => presence.track(this.beat()), everyMs)
    this.timer.unref()
  }

  stop() {
    clearInterval(this.timer)
  }

  private async beat() {
    if (await this.store.heartbeat()) await this.restoreCounts()
    const gone = await this.store.reapDeadInstances()
    await Promise.all(gone.map((userId) => this.presence.announce(userId, false)))
  }

  private async restoreCounts() {
    const counts = new Map<Id, number>()
    for (const socket of this.io.of('/').sockets.values()) {
      const userId: Id | undefined = socket.data.presenceUserId
      if (userId !== undefined) counts.set(userId, (counts.get(userId) ?? 0) + 1)
    }
    logger.warn('presence lapsed: restoring this instance’s connections', { users: counts.size })
    await this.store.restore(counts)
    await Promise.all([...counts.keys()].map((userId) => this.presence.announce(userId, true)))
  }
}
