import type { HookContext } from '../../../declarations'
import type { Id } from '../../../schema-types'
import { reconcileChannel, reconcileCompanyBookings, reconcileContext } from '../services/channels/membership'

// Participant auto-assignment: a channel's people and status follow its context. These
// after hooks are registered by messaging on the services whose writes change who
// belongs (contexts and identity import nothing of messaging); each runs one
// reconciliation per channel concerned, in a transaction that locks the channel row.

const recordsOf = <T>(context: HookContext): T[] => ([] as T[]).concat(context.result ?? [])
// Who made the change, for the chained events; none for the system (a worker, a migration)
const actorOf = (context: HookContext): Id | null => context.params.user?.id ?? null

/** A new channel reads its context again: a change racing its creation is not lost. */
export const assignChannelParticipants = async (context: HookContext) => {
  if (context.params.alreadyExisted) return
  await reconcileChannel(context.app, context.result.id)
}

export const assignBookingParticipants = async (context: HookContext) => {
  for (const booking of recordsOf<{ id: Id }>(context))
    await reconcileContext(context.app, 'booking', booking.id, actorOf(context))
}

export const assignDisputeParticipants = async (context: HookContext) => {
  for (const dispute of recordsOf<{ id: Id }>(context))
    await reconcileContext(context.app, 'dispute', dispute.id, actorOf(context))
}

/** The channels of the member's company's bookings follow who works there. */
export const assignCompanyParticipants = async (context: HookContext) => {
  for (const member of recordsOf<{ company_id: Id }>(context))
    await reconcileCompanyBookings(context.app, member.company_id, actorOf(context))
}
