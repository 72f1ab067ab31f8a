import { formatOf, inChainOrder } from './chain-encoding'
import type { ChainEvent, ChainRecord } from './chain-encoding'
// chain.ts calls into this file; the labels are read when a check runs, after both have loaded
import { eventLabel, messageLabel } from './chain'
import type { ChainProblem } from './chain'

/**
 * The rules a record must keep, beyond its links: a chain whose every link holds can still
 * tell an impossible story if whoever wrote it could write anything. Each broken rule
 * names its entry. Replayed in chain order:
 *   - times never go backwards;
 *   - a person leaves (or changes role) only while they belong, and joins only when they do not;
 *   - every sender belongs to the channel when they send, unless an admin;
 *   - nothing is sent while the channel is frozen, except by an admin;
 *   - every joining and leaving event has its membership row (the rows' side is in chain.ts);
 *   - the first entry (`channel.opened`) names the channel's context, or, for a channel
 *     chained before bindings existed, one `channel.bound` does; no other binds it;
 *   - once an entry is chained with names (format 2), every later one is: the chain's
 *     functions write nothing else since, so a later entry without names was written around them.
 * Who is an admin is `record.admins` (the senders whose role is admin); when a record
 * does not say, the two rules that depend on it are not checked.
 */
export interface RuleRecord extends ChainRecord {
  channel: ChainRecord['channel'] & { context_type?: string; context_id?: number }
  admins?: number[]
}

export function checkRules(record: RuleRecord, problems: ChainProblem[]) {
  const admins = record.admins ? new Set(record.admins) : undefined
  const members = new Set<number>()
  let frozen = false
  let previous: { label: string; at: string } | undefined
  let firstNamed: string | undefined
  for (const entry of inChainOrder(record.messages, record.events)) {
    const label = entry.type === 'message' ? messageLabel(entry.message) : eventLabel(entry.event)
    const at = entry.type === 'message' ? entry.message.created_at : entry.event.created_at
    const format = formatOf(entry.type === 'message' ? entry.message : entry.event)
    if (format === 2) firstNamed ??= label
    else if (format === 1 && firstNamed) {
      problems.push({
        entry: label,
        reason: `is chained without names (format 1) after ${firstNamed} was chained with them`
      })
    }
    if (previous && at < previous.at) {
      problems.push({
        entry: label,
        reason: `at ${at}, goes back in time before ${previous.label} at ${previous.at}`
      })
    }
    previous = { label, at }
    if (entry.type === 'event') {
      frozen = membershipAndStatus(entry.event, members, frozen, problems)
      continue
    }
    const { sender_id: sender } = entry.message
    if (!admins || admins.has(sender)) continue
    if (!members.has(sender)) {
      problems.push({
        entry: label,
        reason: `its sender, user ${sender}, was not a participant when it was sent`
      })
    } else if (frozen) {
      problems.push({
        entry: label,
        reason: `was sent by user ${sender}, not an admin, while the channel was frozen`
      })
    }
  }
  checkMembershipRows(record, problems)
  checkContext(record, problems)
}

/** The chain names the context the channel row claims, from its first entry. */
function checkContext(record: RuleRecord, problems: ChainProblem[]) {
  const { id, context_type: type, context_id: contextId } = record.channel
  if (type === undefined) return
  const context = `${type}:${contextId}`
  const first = inChainOrder(record.messages, record.events)[0]
  const bindings = record.events.filter((e) => e.kind === 'channel.opened' || e.kind === 'channel.bound')
  if (!bindings.length) {
    problems.push({ entry: `channel ${id}`, reason: `no entry names its context (${context})` })
  }
  for (const [i, event] of [...bindings].sort((a, b) => a.event_seq - b.event_seq).entries()) {
    const label = eventLabel(event)
    if (event.detail !== context) {
      problems.push({ entry: label, reason: `names context ${event.detail}, not the channel's ${context}` })
    }
    if (i > 0) problems.push({ entry: label, reason: 'binds the channel a second time' })
    else if (event.kind === 'channel.opened' && (first?.type !== 'event' || first.event.id !== event.id)) {
      problems.push({ entry: label, reason: 'opens the channel, yet is not its first entry' })
    }
  }
}

/** Moves the replay past one event; says the event that contradicts who belongs. Returns whether frozen. */
function membershipAndStatus(
  event: ChainEvent,
  members: Set<number>,
  frozen: boolean,
  problems: ChainProblem[]
) {
  const user = event.user_id ?? 0
  switch (event.kind) {
    case 'participant.joined':
      if (members.has(user))
        problems.push({ entry: eventLabel(event), reason: `user ${user} joins, yet already belongs` })
      members.add(user)
      return frozen
    case 'participant.left':
    case 'participant.role_changed':
      if (!members.has(user)) {
        problems.push({
          entry: eventLabel(event),
          reason: `user ${user} ${event.kind === 'participant.left' ? 'leaves' : 'changes role'} without having joined`
        })
      }
      if (event.kind === 'participant.left') members.delete(user)
      return frozen
    case 'channel.frozen':
      return true
    case 'channel.reopened':
      return false
    default:
      return frozen
  }
}

/** Every joining and leaving event matches a membership row at the same time. */
function checkMembershipRows(record: RuleRecord, problems: ChainProblem[]) {
  if (!record.participants) return
  const rows = new Set<string>()
  for (const row of record.participants) {
    rows.add(`participant.joined|${row.user_id}|${row.joined_at}`)
    if (row.removed_at !== null) rows.add(`participant.left|${row.user_id}|${row.removed_at}`)
  }
  for (const event of record.events) {
    if (event.kind !== 'participant.joined' && event.kind !== 'participant.left') continue
    if (!rows.has(`${event.kind}|${event.user_id}|${event.created_at}`)) {
      problems.push({
        entry: eventLabel(event),
        reason: `matches no membership row of user ${event.user_id} at ${event.created_at}`
      })
    }
  }
}
