import type { Knex } from 'knex'
import type { Paginated } from '@feathersjs/feathers'
import type { Application, ServiceParams } from '../../../../declarations'
import type { Id } from '../../../../events'
import { isAdminOrInternal } from '../../../../hooks/require-admin'
import { presenceGatewayOf } from '../../gateways/presence'
import type { ChannelRef, Presence, PresenceQuery, Typing } from './presence.schema'

export type { ChannelRef, Presence, PresenceQuery, Typing }

export interface PresenceParams extends ServiceParams<PresenceQuery> {}

export class PresenceService {
  constructor(private app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  private get gateway() {
    return presenceGatewayOf(this.app)
  }

  /** Statuses of the asked users who share a channel with the caller (admins: anyone). */
  async find(params: PresenceParams = {}): Promise<Paginated<Presence>> {
    const asked = params.query!.user_id
    const ids = [...new Set(typeof asked === 'number' ? [asked] : asked.$in)]
    const visible = isAdminOrInternal(params) ? ids : await this.sharingAChannel(params.user!.id, ids)
    const data = visible.length ? await this.gateway.statuses(visible) : []
    return { total: data.length, limit: data.length, skip: 0, data }
  }

  private async sharingAChannel(callerId: Id, ids: Id[]): Promise<Id[]> {
    const others: Id[] = await this.db('chat_participants as mine')
      .join('chat_participants as theirs', 'theirs.channel_id', 'mine.channel_id')
      .where('mine.user_id', callerId)
      .whereNull('mine.removed_at')
      .whereNull('theirs.removed_at')
      .whereIn('theirs.user_id', ids)
      .distinct()
      .pluck('theirs.user_id')
    return ids.filter((id) => id === callerId || others.includes(id))
  }

  async view(data: ChannelRef, params: PresenceParams = {}) {
    await this.gateway.view(params.connection, data.channel_id)
    return { channel_id: data.channel_id, viewing: true }
  }

  async leave(data: ChannelRef, params: PresenceParams = {}) {
    await this.gateway.leave(params.connection, data.channel_id)
    return { channel_id: data.channel_id, viewing: false }
  }

  async typing(data: Typing, params: PresenceParams = {}) {
    this.gateway.setTyping(params.connection, data.channel_id, params.user!.id, data.typing)
    return data
  }
}
