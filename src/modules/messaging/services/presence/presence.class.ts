import type { Knex } from 'knex'
import { BadRequest } from '@feathersjs/errors'
import type { Paginated, RealTimeConnection } from '@feathersjs/feathers'
import type { Application, ServiceParams } from '../../../../declarations'
import type { Id } from '../../../../schema-types'
import { presenceVisibleTo } from '../../access/channel-access'
import { isClustered, onRedisCluster } from '../../../../redis/redis'
import { MemoryPresenceStore, RedisPresenceStore } from './presence-store'
import type { PresenceStore } from './presence-store'
import { PresenceTransitions } from './presence-transitions'
import type { ChannelRef, Presence, PresenceQuery, Typing } from './presence.schema'

export type { ChannelRef, Presence, PresenceQuery, Typing }

export interface PresenceParams extends ServiceParams<PresenceQuery> {}

/**
 * What `view`, `leave` and `typing` do to the calling connection. The live side, which
 * holds the connections' sockets, hands its implementation over (`serveViews`) when it
 * starts.
 */
export interface ChannelViews {
  view(connection: RealTimeConnection | undefined, channelId: Id): Promise<void>
  leave(connection: RealTimeConnection | undefined, channelId: Id): Promise<void>
  typing(connection: RealTimeConnection | undefined, channelId: Id, userId: Id, typing: boolean): void
}

/**
 * Who is online and when people were last seen: the connection counts (in memory, or in
 * Redis across instances) and `user_presence` are read and written here only.
 */
export class PresenceService {
  /** connection counts per user, deployment-wide */
  readonly store: PresenceStore
  private channelViews?: ChannelViews
  private transitions = new PresenceTransitions(() => this.db)

  constructor(private app: Application) {
    const { expiry_seconds } = app.get('presence')
    this.store = isClustered(app)
      ? new RedisPresenceStore(
          app.get('instanceId'),
          app.get('redisClient')!,
          app.get('redis').keyPrefix,
          expiry_seconds,
          onRedisCluster(app)
        )
      : new MemoryPresenceStore()
  }

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  /** Called once by the real-time side: without it the Socket.io-only methods refuse. */
  serveViews(views: ChannelViews) {
    this.channelViews = views
  }

  /** Statuses of the asked users who share a channel with the caller (admins: anyone). */
  async find(params: PresenceParams = {}): Promise<Paginated<Presence>> {
    const asked = params.query!.user_id
    const ids = [...new Set(typeof asked === 'number' ? [asked] : asked.$in)]
    const visible = await presenceVisibleTo(this.db, params, ids)
    const data = visible.length ? await this.statuses(visible) : []
    return { total: data.length, limit: data.length, skip: 0, data }
  }

  /** Which of these users are online anywhere in the deployment (internal: not a service method). */
  onlineAmong(userIds: Id[]): Promise<Set<Id>> {
    return userIds.length ? this.store.online(userIds) : Promise.resolve(new Set())
  }

  private async statuses(userIds: Id[]): Promise<Presence[]> {
    const online = await this.store.online(userIds)
    const rows: { user_id: Id; last_seen_at: string }[] = await this.db('user_presence').whereIn(
      'user_id',
      userIds
    )
    const lastSeen = new Map(rows.map((row) => [row.user_id, row.last_seen_at]))
    return userIds.map((user_id) => ({
      user_id,
      online: online.has(user_id),
      last_seen_at: lastSeen.get(user_id) ?? null
    }))
  }

  /**
   * Records that a user came online or went offline now; returns their status and the
   * channels of the people to tell (internal: the real-time side announces it).
   */
  async recordTransition(userId: Id, online: boolean): Promise<{ status: Presence; channelIds: Id[] }> {
    const { last_seen_at, channelIds } = await this.transitions.record(userId)
    return { status: { user_id: userId, online, last_seen_at }, channelIds }
  }

  private get views() {
    if (!this.channelViews) throw new BadRequest('Presence methods work over Socket.io only')
    return this.channelViews
  }

  async view(data: ChannelRef, params: PresenceParams = {}) {
    await this.views.view(params.connection, data.channel_id)
    return { channel_id: data.channel_id, viewing: true }
  }

  async leave(data: ChannelRef, params: PresenceParams = {}) {
    await this.views.leave(params.connection, data.channel_id)
    return { channel_id: data.channel_id, viewing: false }
  }

  async typing(data: Typing, params: PresenceParams = {}) {
    this.views.typing(params.connection, data.channel_id, params.user!.id, data.typing)
    return data
  }
}
