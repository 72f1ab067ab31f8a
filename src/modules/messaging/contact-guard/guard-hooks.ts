import { BadRequest } from '@feathersjs/errors'
import type { Application, HookContext } from '../../../declarations'
import type { Id } from '../../../schema-types'
import type { ContextStatus } from '../../../context-statuses'
import { isAdmin } from '../../../hooks/require-admin'
import { withRetry } from '../../../database/errors'
import { ExpiringCache } from '../../../cache/expiring-cache'
import { logger } from '../../../logging/logger'
import { contactGuardMetrics } from '../../../metrics/contact-guard'
import { mayWrite, standingIn } from '../access/channel-access'
import type { Message, MessageData } from '../services/messages/messages.schema'
import type { ContactDetail } from './detect'
import { detectContactDetails } from './detect'
import type { ContactGuardSettings, GuardPolicy } from './policy'
import { BLOCKED_SENTENCE, DEFAULT_CONTACT_GUARD, maskedText, policyFor } from './policy'

/** What the guard decided for a send it let through with contact details in it. */
export interface GuardDecision {
  policy: 'flag' | 'mask'
  details: ContactDetail[]
}

export function contactGuardSettings(app: Application): ContactGuardSettings {
  const configured = app.get('contact_guard')
  return {
    regions: (configured?.regions as ContactGuardSettings['regions']) ?? DEFAULT_CONTACT_GUARD.regions,
    policies: configured?.policies ?? DEFAULT_CONTACT_GUARD.policies
  }
}

type ChannelContext = { context_type: 'booking' | 'dispute'; context_id: Id }

// A channel's context never changes, so it is read once per channel, not on every send
// with a detail in it (the context's status, which decides the policy, is read each time)
const channelContexts = new WeakMap<Application, ExpiringCache<Id, ChannelContext>>()

async function channelContext(app: Application, channelId: Id): Promise<ChannelContext | undefined> {
  let known = channelContexts.get(app)
  if (!known) channelContexts.set(app, (known = new ExpiringCache<Id, ChannelContext>(Infinity)))
  const cached = known.get(channelId)
  if (cached) return cached
  const channel = await app
    .get('postgresqlClient')('chat_channels')
    .where({ id: channelId })
    .first('context_type', 'context_id')
  if (channel) known.set(channelId, { context_type: channel.context_type, context_id: channel.context_id })
  return channel
}

/** The channel's context and its status now, or undefined for a channel that does not exist (yet). */
async function contextOf(app: Application, data: MessageData) {
  let type = data.context_type
  let id = data.context_id
  if (data.channel_id !== undefined) {
    const channel = await channelContext(app, data.channel_id)
    if (!channel) return undefined
    ;({ context_type: type, context_id: id } = channel)
  }
  if (type === undefined || id === undefined) return undefined
  const contextId = id
  // The adapter's read without the service's hooks: this internal call needs no admin
  // check, query validation or call budget, which cost more than the read on every send
  // with a detail in it
  const read =
    type === 'booking' ? app.service('bookings')._get(contextId) : app.service('disputes')._get(contextId)
  const context = await read.catch(() => undefined)
  return context ? { type, status: context.status as ContextStatus } : undefined
}

/** With every policy off, nothing is looked for (and a send costs what it did before the guard). */
const guardsAnything = (settings: ContactGuardSettings) =>
  Object.values(settings.policies).some((byStatus) =>
    Object.values(byStatus ?? {}).some((policy) => policy !== 'off')
  )

function countFindings(app: Application, policy: GuardPolicy, details: ContactDetail[]) {
  const found = contactGuardMetrics(app).found
  for (const detail of details) found.inc({ kind: detail.kind, policy })
}

/** Whether the sender may write in the channel: who may not is refused by the send itself, as before. */
async function mayWriteThere(app: Application, data: MessageData, sender: { id: Id; role?: string }) {
  const channelId =
    data.channel_id ??
    (await app
      .service('channels')
      .idOf(data.context_type!, data.context_id!)
      .catch(() => undefined))
  if (channelId === undefined) return true
  return mayWrite(sender, await standingIn(app.get('postgresqlClient'), channelId, sender.id))
}

/**
 * Before a send: looks for contact details in what a person (not an admin) writes and
 * applies the policy of the channel's context type and status. Only a message with
 * details costs a read: the context's status, and for a block, whether the sender may
 * write there (an outsider learns nothing of a channel from a block).
 */
export const guardContactDetails = async (context: HookContext) => {
  const sender = context.params.user
  const data = context.data as MessageData
  if (!sender || isAdmin(sender)) return
  const settings = contactGuardSettings(context.app)
  if (!guardsAnything(settings)) return
  const details = detectContactDetails(data.content, settings)
  if (!details.length) return
  const where = await contextOf(context.app, data)
  const policy: GuardPolicy = where ? policyFor(settings, where.type, where.status) : 'off'
  if (policy === 'off') return
  if (policy === 'block' && !(await mayWriteThere(context.app, data, sender))) return
  if (policy === 'block') {
    countFindings(context.app, policy, details)
    throw new BadRequest(BLOCKED_SENTENCE, { kinds: [...new Set(details.map((detail) => detail.kind))] })
  }
  context.params.contactGuard = { policy, details } satisfies GuardDecision
}

/**
 * After the send committed: the finding for admins, and for a masked channel the text
 * participants see, carried with the message to its answer and its live event. The
 * stored message is what was sent.
 */
export const recordContactFindings = async (context: HookContext) => {
  const decision: GuardDecision | undefined = context.params.contactGuard
  const message = context.result as Message
  if (!decision || context.params.alreadyExisted) return
  countFindings(context.app, decision.policy, decision.details)
  if (decision.policy === 'mask') {
    context.result = { ...message, masked_content: maskedText(message.content ?? '', decision.details) }
  }
  const finding = {
    message_id: message.id,
    channel_id: message.channel_id,
    sender_id: message.sender_id,
    ...decision
  }
  await withRetry(() => context.app.service('contact-findings').record(finding)).catch((error) =>
    logger.error('a contact finding was not recorded', { message_id: message.id, error: error?.message })
  )
}
