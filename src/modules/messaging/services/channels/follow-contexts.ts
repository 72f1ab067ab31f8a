import type { Application } from '../../../../declarations'
import type { Id } from '../../../../schema-types'
import type { DomainEventMap } from '../../../../events'
import { withTransaction } from '../../../../database/errors'
import { logger } from '../../../../logging/logger'
import type { Channel, ContextType } from './channels.schema'
import { announceChanges, applyMembership, resolveContext } from './membership'
import { lockCompany, lockContext } from './context-locks'

/**
 * The channel of a booking or dispute that changed, if it has one, follows it: one
 * transaction that locks the context (an opening under way finishes first) and the
 * channel row, reads the context again and applies it. What changed is announced after
 * the commit. Transient database errors are retried by `withTransaction`. The chained
 * membership and status events name `actorId` as who acted, or the system when null.
 */
export async function reconcileContext(
  app: Application,
  contextType: ContextType,
  contextId: Id,
  actorId: Id | null = null
) {
  const changes = await withTransaction(app.get('postgresqlClient'), async (trx) => {
    await lockContext(trx, contextType, contextId)
    if (actorId !== null) await trx.raw(`select set_config('chat.actor', ?, true)`, [String(actorId)])
    const channel: Channel | undefined = await trx('chat_channels')
      .where({ context_type: contextType, context_id: contextId })
      .forUpdate()
      .first()
    if (!channel) return null
    const membership = await resolveContext(app, contextType, contextId, trx)
    // A context is never deleted; if it vanished, keep the channel as it is as evidence
    if (!membership) return null
    return applyMembership(trx, channel, membership)
  })
  if (changes) await announceChanges(app, changes)
  return changes
}

/** The channels of a company's bookings follow who works there. */
export async function reconcileCompanyBookings(app: Application, companyId: Id, actorId: Id | null = null) {
  const bookings = await app.service('bookings').find({
    query: { $or: [{ borrower_company_id: companyId }, { lender_company_id: companyId }], $select: ['id'] },
    paginate: false
  })
  if (!bookings.length) return
  const channels: Pick<Channel, 'context_id'>[] = await withTransaction(
    app.get('postgresqlClient'),
    async (trx) => {
      await lockCompany(trx, companyId)
      return trx('chat_channels')
        .where({ context_type: 'booking' })
        .whereIn(
          'context_id',
          bookings.map((booking) => booking.id)
        )
        .select('context_id')
        .orderBy('context_id')
    }
  )
  // One channel that fails to follow does not keep the company's other channels from it
  for (const { context_id } of channels) {
    await reconcileContext(app, 'booking', context_id, actorId).catch((error) =>
      notFollowed(
        { event: 'identity.membership.changed', company_id: companyId, booking_id: context_id },
        error
      )
    )
  }
}

const notFollowed = (what: Record<string, unknown>, error: any) =>
  logger.error('a channel did not follow its context', { ...what, error: error?.message })

/**
 * Participant auto-assignment: messaging listens to the changes contexts and identity
 * announce after their writes commit (they know nothing of messaging). A reconciliation
 * that fails is logged with what it was for and does not fail the write, which has
 * committed; every reconciliation applies the whole context, so the next change of that
 * context (or company) repairs the channel.
 */
export const followContexts = (app: Application) => {
  const follow = <K extends keyof DomainEventMap>(
    event: K,
    reconcile: (payload: DomainEventMap[K]) => Promise<unknown>
  ) =>
    app.get('events').on(event, async (payload) => {
      try {
        await reconcile(payload)
      } catch (error) {
        notFollowed({ event, ...payload }, error)
      }
    })
  follow('contexts.booking.changed', ({ booking_id, actor_id }) =>
    reconcileContext(app, 'booking', booking_id, actor_id)
  )
  follow('contexts.dispute.changed', ({ dispute_id, actor_id }) =>
    reconcileContext(app, 'dispute', dispute_id, actor_id)
  )
  follow('identity.membership.changed', ({ company_id, actor_id }) =>
    reconcileCompanyBookings(app, company_id, actor_id)
  )
}
