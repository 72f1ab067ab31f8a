import type { Application } from '../../declarations'
import type { Id } from '../../schema-types'
import { logger } from '../../logging/logger'
import type { Notification } from './services/notifications/notifications.schema'
import { decide, retryAt } from './delivery-rules'
import { deliveryFactsOf } from './delivery-facts'
import type { Prepared } from './delivery-facts'
import type { Finish } from './delivery-outcomes'
import { composeText } from './text'

/** A delivery the rules let through: where it goes and what it says. */
export interface Outgoing {
  row: Notification
  to: string
  title: string
  text: string
  upToMessageId: Id | null
}

/** What a pass makes of its claimed rows: those it ends without a provider, and those it sends. */
export interface Decisions {
  finishes: Finish[]
  outgoing: Outgoing[]
}

const finishedAs = (row: Notification, changes: Finish['changes']): Finish => ({ id: row.id, changes })

/**
 * Decides a claimed batch as a whole: everyone online is skipped without reading anything
 * more, the rest are decided by the rules from facts read for the whole batch at once.
 * Nothing is written here: the caller finishes every verdict in one statement.
 *
 * A row that cannot be decided (its facts missing, or the rules or the text throwing on
 * them, as on a time zone stored before time zones were checked) is set back with the
 * same backoff as a failed attempt, and fails for good after `max_attempts`: one broken
 * row must not fail the pass, or it would stall every batch it is claimed in.
 */
export async function decideBatch(app: Application, claimed: Notification[], now: Date): Promise<Decisions> {
  const finishes: Finish[] = []
  const outgoing: Outgoing[] = []
  const online = await app.service('presence').onlineAmong([...new Set(claimed.map((row) => row.user_id))])
  // The commonest verdict: what they missed, they see
  const offline = claimed.filter((row) => {
    if (online.has(row.user_id)) finishes.push(finishedAs(row, { status: 'skipped', reason: 'online' }))
    return !online.has(row.user_id)
  })
  const prepared = await deliveryFactsOf(app, offline)
  const newestSenders = [...prepared.values()].flatMap(({ unread }) =>
    unread.newest ? [unread.newest.sender_id] : []
  )
  const names = await app.service('users').namesOf(newestSenders)
  for (const row of offline) {
    try {
      const decided = decideOne(prepared.get(row.id), names, now)
      if ('to' in decided) outgoing.push({ row, ...decided })
      else finishes.push(finishedAs(row, decided))
    } catch (error: any) {
      finishes.push(setBack(app, row, error, now))
    }
  }
  return { finishes, outgoing }
}

function decideOne(prepared: Prepared | undefined, names: Map<Id, string>, now: Date) {
  if (!prepared) throw new Error('its recipient or channel could not be read')
  const { facts, unread } = prepared
  const decision = decide(facts, now)
  if (decision.action === 'skip') return { status: 'skipped' as const, reason: decision.reason }
  if (decision.action === 'defer')
    return {
      status: 'deferred' as const,
      reason: decision.reason,
      scheduled_for: decision.until.toISOString()
    }
  return { to: decision.to, ...composeText(unread, names.get(unread.newest?.sender_id ?? 0)) }
}

/** A row that could not be decided: tried again later, like a failed attempt, and counted as one. */
function setBack(app: Application, row: Notification, error: any, now: Date): Finish {
  const { max_attempts, retry_base_seconds } = app.get('notifications')
  const attempts = row.attempts + 1
  const last_error = `could not be decided: ${error?.message ?? String(error)}`
  logger.error('a notification delivery could not be decided', { id: row.id, error: error?.message })
  if (attempts >= max_attempts) return finishedAs(row, { status: 'failed', last_error, attempts })
  return finishedAs(row, {
    status: 'pending',
    last_error,
    attempts,
    scheduled_for: retryAt(now, attempts, retry_base_seconds).toISOString()
  })
}
