import type { Knex } from 'knex'
import type { Paginated } from '@feathersjs/feathers'
import type { Id } from '../../../../schema-types'
import { NotFound } from '@feathersjs/errors'
import type { Application, ServiceParams } from '../../../../declarations'
import { maySeeChannel, requireChannelAccess } from '../../access/channel-access'
import { page } from '../../page'
import { eventText, peopleOf } from '../../evidence/event-text'
import type { ChannelEvent, ChannelEventQuery } from './channel-events.schema'

export type { ChannelEvent, ChannelEventQuery }

export interface ChannelEventParams extends ServiceParams<ChannelEventQuery> {}

// The same words whether the id is unknown or in a channel the caller cannot see
const NOT_FOUND = 'No such channel event'
const RANGE = { $lt: '<', $lte: '<=', $gt: '>', $gte: '>=' } as const

interface EventRow {
  id: number
  channel_id: number
  event_seq: number
  after_seq: number
  kind: ChannelEvent['kind']
  actor_id: number | null
  actor_name: string | null
  user_id: number | null
  user_name: string | null
  message_id: number | null
  detail: string | null
  created_at: string
  context_type: string
}

/** A channel's events as its history shows them: read-only, for its participants (admins: all). */
export class ChannelEventService {
  constructor(private app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  private rows() {
    return this.db('chat_channel_events as e')
      .join('chat_channels as c', 'c.id', 'e.channel_id')
      .select(
        'e.id',
        'e.channel_id',
        'e.event_seq',
        'e.after_seq',
        'e.kind',
        'e.actor_id',
        'e.actor_name',
        'e.user_id',
        'e.user_name',
        'e.message_id'
      )
      .select('e.detail', 'e.created_at', 'c.context_type')
  }

  async find(params: ChannelEventParams = {}): Promise<Paginated<ChannelEvent>> {
    const query = params.query!
    await requireChannelAccess(this.db, query.channel_id, params)
    const base = this.rows().where('e.channel_id', query.channel_id)
    if (query.kind) base.where('e.kind', query.kind)
    if (typeof query.after_seq === 'number') base.where('e.after_seq', query.after_seq)
    else if (query.after_seq) {
      for (const [key, operator] of Object.entries(RANGE)) {
        const value = query.after_seq[key as keyof typeof RANGE]
        if (value !== undefined) base.where('e.after_seq', operator, value)
      }
    }
    const found = await page<EventRow>(this.app, base, query, (builder) =>
      builder.orderBy('e.event_seq', query.$sort?.event_seq === 1 ? 'asc' : 'desc')
    )
    return { ...found, data: await this.describe(found.data) }
  }

  async get(id: Id, params: ChannelEventParams = {}): Promise<ChannelEvent> {
    const row: EventRow | undefined = await this.rows().where('e.id', id).first()
    if (!row || !(await maySeeChannel(this.db, row.channel_id, params))) throw new NotFound(NOT_FOUND)
    return (await this.describe([row]))[0]
  }

  /**
   * Names now and the system line, with one lookup of names for a whole page. The line
   * names people as the chain kept them when it happened (a rename since changes only
   * `actor`/`user`), as the exported record does; events from before names were kept
   * have none, and are named as people are called now.
   */
  private async describe(rows: EventRow[]): Promise<ChannelEvent[]> {
    const names = await this.app.service('users').namesOf(peopleOf(rows))
    const ref = (id: number | null) => (id === null ? null : { id, name: names.get(id) ?? '' })
    return rows.map(({ context_type, actor_id, user_id, ...event }) => ({
      ...event,
      actor: ref(actor_id),
      user: ref(user_id),
      text: eventText({ ...event, actor_id, user_id }, names, context_type)
    }))
  }
}
