import { BadRequest } from '@feathersjs/errors'
import type { Application, HookContext } from '../../../declarations'
import type { Id } from '../../../schema-types'
import type { ContextStatus } from '../../../context-statuses'
import { isAdmin } from '../../../hooks/require-admin'
import { ExpiringCache } from '../../../cache/expiring-cache'
import { contactGuardMetrics } from '../../../metrics/contact-guard'
import { mayWrite, standingIn } from '../access/channel-access'
import type { Message, MessageData } from '../services/messages/messages.schema'
import type { ContactDetail } from './detect'
import type { GuardRequest } from './send-guard'
import { deliveredPolicies, oncePerTable } from './send-guard'
import { detectContactDetails } from './detect'
import type { ContactGuardSettings, GuardPolicy } from './policy'
import { BLOCKED_SENTENCE, DEFAULT_CONTACT_GUARD, maskedText, policyFor } from './policy'

export function contactGuardSettings(app: Application): ContactGuardSettings {
  const configured = app.get('contact_guard')
  return {
    regions: (configured?.regions as ContactGuardSettings['regions']) ?? DEFAULT_CONTACT_GUARD.regions,
    policies: configured?.policies ?? DEFAULT_CONTACT_GUARD.policies
  }
}

type ChannelContext = { context_type: 'booking' | 'dispute'; context_id: Id }

// A channel's context never changes, so it is read once per channel, not on every send
// with a detail in it where a status blocks (the status, which decides the policy, is read each time)
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
  // check, query validation or call budget, which cost more than the read itself
  const read =
    type === 'booking' ? app.service('bookings')._get(contextId) : app.service('disputes')._get(contextId)
  const context = await read.catch(() => undefined)
  return context ? { type, status: context.status as ContextStatus } : undefined
}

/** With every policy off, nothing is looked for (and a send costs what it did before the guard). */
const guardsAnything = oncePerTable((policies) =>
  Object.values(policies).some((byStatus) => Object.values(byStatus ?? {}).some((policy) => policy !== 'off'))
)

/** The context types that block in some status. */
const blockingTypes = oncePerTable((policies) =>
  (['booking', 'dispute'] as const).filter((type) => Object.values(policies[type] ?? {}).includes('block'))
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

/** Whether some status of the channel's context type blocks: only there is the policy read before the send. */
async function blocksSomeStatus(app: Application, settings: ContactGuardSettings, data: MessageData) {
  const blocking = blockingTypes(settings.policies)
  if (!blocking.length) return false
  const type =
    data.channel_id === undefined
      ? data.context_type
      : (await channelContext(app, data.channel_id))?.context_type
  // A channel that does not exist: the send refuses it, whatever the guard says
  return type !== undefined && blocking.includes(type)
}

/**
 * Before a send: looks for contact details in what a person (not an admin) writes. The
 * send statement itself reads the context's status, applies the flag or mask policy it
 * asks for and records the finding (no round trip of its own: `GuardRequest`). Only a
 * context type that blocks in some status has its status read here first, so that a
 * block refuses before anything is stored, and then whether the sender may write there
 * (an outsider learns nothing of a channel from a block).
 */
export const guardContactDetails = async (context: HookContext) => {
  const sender = context.params.user
  const data = context.data as MessageData
  if (!sender || isAdmin(sender)) return
  const settings = contactGuardSettings(context.app)
  if (!guardsAnything(settings.policies)) return
  const details = detectContactDetails(data.content, settings)
  if (!details.length) return
  if (!(await blocksSomeStatus(context.app, settings, data))) {
    context.params.contactGuard = { details, policies: deliveredPolicies(settings) } satisfies GuardRequest
    return
  }
  const where = await contextOf(context.app, data)
  const policy: GuardPolicy = where ? policyFor(settings, where.type, where.status) : 'off'
  if (policy === 'off') return
  if (policy === 'block' && !(await mayWriteThere(context.app, data, sender))) return
  if (policy === 'block') {
    countFindings(context.app, policy, details)
    throw new BadRequest(BLOCKED_SENTENCE, { kinds: [...new Set(details.map((detail) => detail.kind))] })
  }
  context.params.contactGuard = { details, policy } satisfies GuardRequest
}

/**
 * After the send committed (with its finding): for a masked channel the text
 * participants see, carried with the message to its answer and its live event. The
 * stored message is what was sent.
 */
export const applyContactDecision = async (context: HookContext) => {
  const request: GuardRequest | undefined = context.params.contactGuard
  const message = context.result as Message
  if (!request?.applied || context.params.alreadyExisted) return
  countFindings(context.app, request.applied, request.details)
  if (request.applied === 'mask') {
    context.result = { ...message, masked_content: maskedText(message.content ?? '', request.details) }
  }
}
