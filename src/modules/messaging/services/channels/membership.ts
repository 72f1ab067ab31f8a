import type { Knex } from 'knex'
import type { KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../../../declarations'
import type { Id } from '../../../../schema-types'
import type { DomainEventMap, ParticipantRef } from '../../../../events'
import { withTransaction } from '../../../../database/errors'
import type { Channel, ContextType } from './channels.schema'
import type { Participant, ParticipantRole } from '../participants/participants.schema'

export interface ContextMembership {
  status: Channel['status']
  /** user id → role; a person with several roles keeps the first one listed */
  members: Map<Id, ParticipantRole>
}

const FROZEN_STATUSES = new Set(['completed', 'cancelled', 'resolved', 'closed'])

/** The record, or null when it does not exist. */
const orNull = <T>(lookup: Promise<T>): Promise<T | null> =>
  lookup.catch((error) => {
    if (error?.code === 404) return null
    throw error
  })

/**
 * Who belongs in a context's channel, read through the contexts' and identity's own
 * services (inside `trx` when given). `null` when the context does not exist.
 */
export async function resolveContext(
  app: Application,
  contextType: ContextType,
  contextId: Id,
  trx?: Knex.Transaction
): Promise<ContextMembership | null> {
  const params: KnexAdapterParams<any> = trx ? { transaction: { trx, starting: false } } : {}
  const members = new Map<Id, ParticipantRole>()
  const add = (userId: Id, role: ParticipantRole) => {
    if (!members.has(userId)) members.set(userId, role)
  }

  if (contextType === 'dispute') {
    const dispute = await orNull(app.service('disputes').get(contextId, params))
    if (!dispute) return null
    dispute.party_ids.forEach((userId) => add(userId, 'dispute_party'))
    return { status: FROZEN_STATUSES.has(dispute.status) ? 'frozen' : 'active', members }
  }

  const booking = await orNull(app.service('bookings').get(contextId, params))
  if (!booking) return null
  const companyMembers = await app.service('company-members').find({
    ...params,
    query: { company_id: { $in: [booking.borrower_company_id, booking.lender_company_id] } },
    paginate: false
  })
  add(booking.worker_id, 'worker')
  add(booking.supervisor_id, 'supervisor')
  for (const side of ['borrower', 'lender'] as const) {
    const companyId = side === 'borrower' ? booking.borrower_company_id : booking.lender_company_id
    for (const role of ['admin', 'manager'] as const) {
      companyMembers
        .filter((member) => member.company_id === companyId && member.role === role)
        .forEach((member) => add(member.user_id, `${side}_${role}`))
    }
  }
  return { status: FROZEN_STATUSES.has(booking.status) ? 'frozen' : 'active', members }
}

export interface ParticipantChanges {
  channel: Channel
  added: Participant[]
  removed: Participant[]
  updated: Participant[]
  status_changed: boolean
}

/**
 * Makes a channel's participants and status match its context. The caller holds the
 * channel row locked, so concurrent reconciliations of one channel take turns.
 */
export async function applyMembership(
  trx: Knex.Transaction,
  channel: Channel,
  membership: ContextMembership
): Promise<ParticipantChanges> {
  const current: Participant[] = await trx('chat_participants')
    .where({ channel_id: channel.id })
    .whereNull('removed_at')
  const currentByUser = new Map(current.map((participant) => [participant.user_id, participant]))

  const leaving = current.filter((participant) => !membership.members.has(participant.user_id))
  const changingRole = current.filter((participant) => {
    const role = membership.members.get(participant.user_id)
    return role !== undefined && role !== participant.role
  })
  const joining = [...membership.members].filter(([userId]) => !currentByUser.has(userId))

  const removed: Participant[] = leaving.length
    ? await trx('chat_participants')
        .whereIn(
          'id',
          leaving.map((participant) => participant.id)
        )
        .update({ removed_at: trx.fn.now() })
        .returning('*')
    : []
  const updated: Participant[] = []
  for (const participant of changingRole) {
    const [row] = await trx('chat_participants')
      .where({ id: participant.id })
      .update({ role: membership.members.get(participant.user_id) })
      .returning('*')
    updated.push(row)
  }
  const added: Participant[] = joining.length
    ? await trx('chat_participants')
        .insert(joining.map(([user_id, role]) => ({ channel_id: channel.id, user_id, role })))
        .returning('*')
    : []

  let status_changed = false
  if (channel.status !== membership.status) {
    ;[channel] = await trx('chat_channels')
      .where({ id: channel.id })
      .update({ status: membership.status })
      .returning('*')
    status_changed = true
  }
  return { channel, added, removed, updated, status_changed }
}

const hasChanges = (changes: ParticipantChanges) =>
  changes.status_changed || changes.added.length + changes.removed.length + changes.updated.length > 0

const refOf = ({ id, user_id, role }: Participant): ParticipantRef => ({ participant_id: id, user_id, role })

/** Says after the commit what a reconciliation changed, in the event map's own words. */
export async function announceChanges(app: Application, changes: ParticipantChanges) {
  if (!hasChanges(changes)) return
  const event: DomainEventMap['chat.participants.changed'] = {
    channel_id: changes.channel.id,
    status: changes.channel.status,
    status_changed: changes.status_changed,
    added: changes.added.map(refOf),
    removed: changes.removed.map(refOf),
    updated: changes.updated.map(refOf)
  }
  await app.get('events').emit('chat.participants.changed', event)
}

/**
 * Re-reads a channel's context and applies it; announces what changed after commit. The
 * chained events name `actorId` as who acted (who patched the booking), or the system.
 */
export async function reconcileChannel(app: Application, channelId: Id, actorId: Id | null = null) {
  const db = app.get('postgresqlClient')
  const changes = await withTransaction(db, async (trx) => {
    if (actorId !== null) await trx.raw(`select set_config('chat.actor', ?, true)`, [String(actorId)])
    const channel: Channel | undefined = await trx('chat_channels')
      .where({ id: channelId })
      .forUpdate()
      .first()
    if (!channel) return null
    const membership = await resolveContext(app, channel.context_type, channel.context_id, trx)
    // A context is never deleted; if it vanished, keep the channel as it is as evidence
    if (!membership) return null
    return applyMembership(trx, channel, membership)
  })
  if (changes) await announceChanges(app, changes)
  return changes
}

/** The channel of a booking or dispute that changed, if it has one, follows it. */
export async function reconcileContext(
  app: Application,
  contextType: ContextType,
  contextId: Id,
  actorId: Id | null = null
) {
  const channel = await app
    .get('postgresqlClient')('chat_channels')
    .where({ context_type: contextType, context_id: contextId })
    .first('id')
  if (channel) await reconcileChannel(app, channel.id, actorId)
}

/** The channels of a company's bookings follow who works there. */
export async function reconcileCompanyBookings(app: Application, companyId: Id, actorId: Id | null = null) {
  const bookings = await app.service('bookings').find({
    query: { $or: [{ borrower_company_id: companyId }, { lender_company_id: companyId }], $select: ['id'] },
    paginate: false
  })
  if (!bookings.length) return
  const channels = await app
    .get('postgresqlClient')('chat_channels')
    .where({ context_type: 'booking' })
    .whereIn(
      'context_id',
      bookings.map((booking) => booking.id)
    )
    .select('id')
  for (const channel of channels) await reconcileChannel(app, channel.id, actorId)
}
