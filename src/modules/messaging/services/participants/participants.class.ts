import type { Knex } from 'knex'
import type { Paginated } from '@feathersjs/feathers'
import type { Id } from '../../../../schema-types'
import { BadRequest, Forbidden, NotFound } from '@feathersjs/errors'
import type { Application, ServiceParams } from '../../../../declarations'
import {
  NOT_PARTICIPANT,
  maySeeChannel,
  maySeeRecord,
  requireChannelAccess
} from '../../access/channel-access'
import { page } from '../../page'
import type {
  Participant,
  ParticipantPatch,
  ParticipantPatchQuery,
  ParticipantQuery
} from './participants.schema'
import { unreadSummaries } from './unread-summaries'
import type { UnreadSummary } from './unread-summaries'

export type { Participant, ParticipantPatch, ParticipantPatchQuery, ParticipantQuery, UnreadSummary }

export interface ParticipantParams extends ServiceParams<ParticipantQuery> {}
export interface ParticipantPatchParams extends ServiceParams<ParticipantPatchQuery> {}

// The same words whether the id is unknown or in a channel the caller cannot see
const NOT_FOUND = 'No such participant'

export class ParticipantService {
  constructor(private app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: ParticipantParams = {}): Promise<Paginated<Participant>> {
    const query = params.query!
    await requireChannelAccess(this.db, query.channel_id, params)
    const withRemoved = query.$withRemoved === true
    if (withRemoved && !maySeeRecord(params))
      throw new Forbidden('Only an admin may see removed participants')

    const base = this.db('chat_participants').where({ channel_id: query.channel_id })
    if (!withRemoved) base.whereNull('removed_at')
    if (query.user_id) base.where({ user_id: query.user_id })
    return page(this.app, base, query, (builder) => builder.orderBy('id'))
  }

  async get(id: Id, params: ParticipantParams = {}): Promise<Participant> {
    const participant: Participant | undefined = await this.db('chat_participants').where({ id }).first()
    if (!participant || !(await maySeeChannel(this.db, participant.channel_id, params)))
      throw new NotFound(NOT_FOUND)
    return participant
  }

  /**
   * Moves the caller's own read position forward (never back, never past the last
   * message) or sets their mute flag. Without an id, `query.channel_id` names the
   * caller's own row in that channel, so marking a channel read needs no lookup.
   */
  async patch(
    id: Id | null,
    data: ParticipantPatch,
    params: ParticipantPatchParams = {}
  ): Promise<Participant> {
    const channelId = params.query?.channel_id
    const participant: Participant | undefined =
      id === null
        ? await this.ownRow(channelId, params)
        : await this.db('chat_participants').where({ id }).first()
    if (!participant || (channelId !== undefined && participant.channel_id !== channelId))
      throw new NotFound(NOT_FOUND)
    if (params.provider && participant.user_id !== params.user?.id) {
      // Someone else's row: refused to those who see the channel, unknown to everyone else
      if (!(await maySeeChannel(this.db, participant.channel_id, params))) throw new NotFound(NOT_FOUND)
      throw new Forbidden('You can only change your own participation')
    }
    if (participant.removed_at) throw new Forbidden('You are no longer a participant of this channel')

    const changes: Record<string, unknown> = {}
    if (data.muted !== undefined) changes.muted = data.muted
    const target = this.readTarget(participant, data)
    if (target) {
      changes.last_read_seq = this.db.raw('greatest(last_read_seq, ?)', [target])
      changes.last_read_at = this.db.raw(`case when ? > last_read_seq then ? else last_read_at end`, [
        target,
        this.readTime(data)
      ])
    }
    const [updated]: Participant[] = await this.db('chat_participants')
      .where({ id: participant.id })
      .update(Object.keys(changes).length ? changes : { muted: participant.muted })
      .returning('*')
    return updated
  }

  /** Rows by id, as they are now (internal: the real-time side publishes them). */
  async rowsOf(ids: Id[]): Promise<Map<Id, Participant>> {
    const rows: Participant[] = ids.length ? await this.db('chat_participants').whereIn('id', ids) : []
    return new Map(rows.map((row) => [row.id, row]))
  }

  /**
   * Where each person stands in a channel, for many (person, channel) pairs in one
   * statement (internal: not a service method): the notification worker decides a batch
   * of deliveries at once instead of reading channel, participant and messages per row.
   */
  unreadAmong(pairs: { user_id: Id; channel_id: Id; message_id: Id }[]): Promise<UnreadSummary[]> {
    return unreadSummaries(this.db, pairs)
  }

  private async ownRow(
    channelId: ParticipantPatchQuery['channel_id'],
    params: ParticipantPatchParams
  ): Promise<Participant> {
    if (channelId === undefined)
      throw new BadRequest('A patch without an id needs the channel: query.channel_id')
    const row: Participant | undefined = await this.db('chat_participants')
      .where({ channel_id: channelId, user_id: params.user?.id ?? 0 })
      .whereNull('removed_at')
      .first()
    if (row) return row
    // Outsiders learn nothing of the channel; an admin learns whether it exists
    await requireChannelAccess(this.db, channelId, params)
    throw new Forbidden(NOT_PARTICIPANT)
  }

  /** The seq the patch reads up to, clamped to the channel's last message. */
  private readTarget(participant: Participant, data: ParticipantPatch) {
    if (data.last_read_seq === undefined && data.last_read_at === undefined) return null
    const channelLastSeq = this.db('chat_channels').where({ id: participant.channel_id }).select('last_seq')
    if (data.last_read_seq !== undefined)
      return this.db.raw('least(?::bigint, (?))', [data.last_read_seq, channelLastSeq])
    return this.db.raw(
      `coalesce((select max(seq) from chat_messages where channel_id = ? and created_at <= ?), 0)`,
      [participant.channel_id, data.last_read_at!]
    )
  }

  private readTime(data: ParticipantPatch) {
    const now = new Date()
    if (!data.last_read_at) return now.toISOString()
    const given = new Date(data.last_read_at)
    return (given > now ? now : given).toISOString()
  }
}
