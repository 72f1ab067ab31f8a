import type { Knex } from 'knex'
import type { Id } from '../../../../schema-types'
import { Forbidden, NotFound } from '@feathersjs/errors'
import type { Application, ServiceParams } from '../../../../declarations'
import { withTransaction } from '../../../../database/errors'
import { NOT_PARTICIPANT, joinParticipation, moderates, refusalToRead } from '../../access/channel-access'
import { pageBounds } from '../../page'
import { announceChanges, applyMembership, resolveContext } from './membership'
import { lockContext } from './context-locks'
import { describeChannels } from './channel-views'
import type { ChannelRow } from './channel-views'
import type {
  Channel,
  ChannelData,
  ChannelPage,
  ChannelQuery,
  ChannelView,
  ContextType
} from './channels.schema'

export type { Channel, ChannelData, ChannelPage, ChannelQuery, ChannelView }

export interface ChannelParams extends ServiceParams<ChannelQuery> {
  /** internal: only the channels `user` takes part in, even for an internal call or an admin */
  participatingOnly?: boolean
}

const channelColumns = [
  'c.id',
  'c.context_type',
  'c.context_id',
  'c.status',
  'c.created_at',
  'c.last_message_at',
  'c.last_seq'
]

// Messages after the caller's read position (in a row `r` of the caller's channels), not
// their own (the caller's id is bound), not deleted
const UNREAD_SQL = `case when r.participant_id is null then 0 else (
  select count(*)::int from chat_messages m
  where m.channel_id = r.id and m.seq > r.last_read_seq and m.is_deleted = false and m.sender_id <> ?
) end`

const lastMessageColumns = [
  'id',
  'seq',
  'sender_id',
  'content',
  'created_at',
  'is_deleted',
  'deleted_at'
].map((column) => `lm.${column} as lm_${column}`)

type Totalled = ChannelRow & { total: string; total_unread: string }

export class ChannelService {
  constructor(private app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  /**
   * The channels the caller may see (admins: every channel) with the caller's
   * participation, read position and unread count. The channels are found on their
   * own first (a materialized CTE): planned together with the unread counts, whose
   * estimated cost dwarfs the rest, PostgreSQL read whole tables (or started parallel
   * workers) to find a person's 500 channels instead of going through the indexes.
   */
  private rowsQuery(params: ChannelParams, channelId?: Id) {
    const userId = params.user?.id ?? 0
    const query = params.query ?? {}
    const visible = this.db('chat_channels as c').select(
      ...channelColumns,
      'p.id as participant_id',
      'p.last_read_at',
      this.db.raw('coalesce(p.last_read_seq, 0)::int as last_read_seq')
    )
    joinParticipation(visible, userId, moderates(params) && !params.participatingOnly)
    if (query.context_type) visible.where('c.context_type', query.context_type)
    if (query.context_id) visible.where('c.context_id', query.context_id)
    if (query.status) visible.where('c.status', query.status)
    if (channelId !== undefined) visible.where('c.id', channelId)
    return this.db
      .withMaterialized('visible', visible)
      .from('visible as r')
      .select('r.*', this.db.raw(`${UNREAD_SQL} as unread_count`, [userId]))
  }

  /** `rows` with each one's last message, read for those rows only. */
  private withLastMessage(rows: Knex.QueryBuilder) {
    return this.db
      .from(rows.as('v'))
      .select('v.*', ...lastMessageColumns)
      .leftJoin('chat_messages as lm', (on) => on.on('lm.channel_id', 'v.id').andOn('lm.seq', 'v.last_seq'))
  }

  /**
   * A page of the caller's channels, with `total_unread` over all of them for a badge.
   * One statement: the unread counts of all matching channels give the totals and the
   * page's figures at once, and last messages are read for the page's rows only.
   */
  async find(params: ChannelParams = {}): Promise<ChannelPage> {
    const query = params.query ?? {}
    const { limit, skip } = pageBounds(this.app, query)
    const [sortField, sortOrder] = Object.entries(query.$sort ?? { last_message_at: -1 })[0]
    const direction = sortOrder === 1 ? 'asc' : 'desc'
    const order = (builder: Knex.QueryBuilder, alias: string) =>
      builder.orderByRaw(`${alias}.${sortField} ${direction} nulls last, ${alias}.id ${direction}`)
    const totalled = this.db
      .from(this.rowsQuery(params).as('s'))
      .select(
        's.*',
        this.db.raw('count(*) over () as total'),
        this.db.raw('sum(s.unread_count) over () as total_unread')
      )
    const rows: Totalled[] =
      limit === 0
        ? []
        : await order(this.withLastMessage(order(totalled, 's').limit(limit).offset(skip)), 'v')
    // No row to carry the totals (no page asked for, or past the last one): count them alone
    const [totals] = rows.length
      ? rows
      : await this.db
          .from(this.rowsQuery(params).as('s'))
          .count({ total: '*' })
          .sum({ total_unread: 's.unread_count' })
    const data = rows.map(({ total: _total, total_unread: _unread, ...row }) => row)
    return {
      total: Number(totals.total),
      total_unread: Number(totals.total_unread ?? 0),
      limit,
      skip,
      data: await describeChannels(this.app, data)
    }
  }

  async get(id: Id, params: ChannelParams = {}): Promise<ChannelView> {
    const row: ChannelRow | undefined = await this.withLastMessage(
      this.rowsQuery({ ...params, query: {} }, id)
    ).first()
    if (!row) throw refusalToRead(params, `No channel ${id}`)
    return (await describeChannels(this.app, [row]))[0]
  }

  /**
   * Returns the context's one channel, opening it with its participants if it is the
   * first. Concurrent creations take turns on the context's lock and all return the first.
   */
  async create(data: ChannelData, params: ChannelParams = {}): Promise<ChannelView> {
    const { context_type, context_id } = data
    const { opened } = await this.open(context_type, context_id, params)
    if (!opened) params.alreadyExisted = true
    const scope = this.rowsQuery({ ...params, query: { context_type, context_id } })
    const row: ChannelRow | undefined = await this.withLastMessage(scope).first()
    if (!row) throw refusalToRead(params, `No channel for ${context_type} ${context_id}`)
    return (await describeChannels(this.app, [row]))[0]
  }

  /**
   * The context's channel id; the first call opens it: in one transaction that holds the
   * context's lock (see `context-locks.ts`), the context is read through its own service
   * and the channel inserted with its people, so it is reconciled once, and a change of
   * the context that commits meanwhile waits for it, then finds the channel. Internal:
   * the messages service opens a channel on a context's first message this way.
   */
  async open(contextType: ContextType, contextId: Id, params: ChannelParams = {}) {
    const outcome = await withTransaction(this.db, async (trx) => {
      await lockContext(trx, contextType, contextId)
      const existing = await trx('chat_channels')
        .where({ context_type: contextType, context_id: contextId })
        .first('id')
      if (existing) return { id: existing.id as Id, changes: null }
      const membership = await resolveContext(this.app, contextType, contextId, trx)
      const userId = params.user?.id
      // Like a channel, a context is unknown to those who would not belong in it: the same
      // refusal whether it exists, has a channel yet or not (the send path says the same)
      const belongs = userId !== undefined && membership?.members.has(userId)
      if (!moderates(params) && !belongs) throw new Forbidden(NOT_PARTICIPANT)
      if (!membership) throw new NotFound(`No ${contextType} ${contextId}`)
      const [channel]: Channel[] = await trx('chat_channels')
        .insert({ context_type: contextType, context_id: contextId, status: membership.status })
        .returning('*')
      return { id: channel.id, changes: await applyMembership(trx, channel, membership) }
    })
    if (outcome.changes) await announceChanges(this.app, outcome.changes)
    return { id: outcome.id, opened: outcome.changes !== null }
  }

  /** The channel's row as stored (internal: the real-time side publishes it). */
  async row(id: Id): Promise<Channel> {
    // The channel's own fields, as `get` shows them: never the evidence chain's columns
    return this.db('chat_channels as c').where('c.id', id).first(channelColumns)
  }

  /** The context's channel, if it has one: the cheap way for a message that names its context. */
  async idOf(contextType: ContextType, contextId: Id): Promise<Id | undefined> {
    const channel = await this.db('chat_channels')
      .where({ context_type: contextType, context_id: contextId })
      .first('id')
    return channel?.id
  }
}
