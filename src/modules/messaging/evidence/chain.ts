import { eventEncoding, formatOf, inChainOrder, link, messageEncoding } from './chain-encoding'
import type { ChainEntry, ChainEvent, ChainMessage } from './chain-encoding'
import { checkRules } from './rules'
import type { RuleRecord } from './rules'

/** Checks a channel's record against its chain and says which entry breaks it. */

/** What is wrong, and with which entry (`message seq 4 (id 17)`, `event 2 (...)`, `channel 3`). */
export interface ChainProblem {
  entry: string
  reason: string
}

export interface ChainCheck {
  valid: boolean
  messages: number
  events: number
  head: string | null
  problems: ChainProblem[]
}

export const messageLabel = (m: ChainMessage) => `message seq ${m.seq} (id ${m.id})`
export const eventLabel = (e: ChainEvent) => `event ${e.event_seq} (${e.kind}, id ${e.id})`

/** Numbers 1..last in a list of entries: the missing and the repeated ones. */
function countGaps<T>(
  items: T[],
  numberOf: (item: T) => number,
  last: number,
  name: string,
  problems: ChainProblem[]
) {
  const seen = new Map<number, number>()
  for (const item of items) seen.set(numberOf(item), (seen.get(numberOf(item)) ?? 0) + 1)
  for (let n = 1; n <= last; n++) {
    if (!seen.has(n)) problems.push({ entry: `${name} ${n}`, reason: 'is missing from the record' })
  }
  for (const [n, count] of seen) {
    if (count > 1) problems.push({ entry: `${name} ${n}`, reason: `appears ${count} times` })
    if (n < 1 || n > last)
      problems.push({ entry: `${name} ${n}`, reason: `is beyond the channel's count (${last})` })
  }
}

const linkOf = (entry: ChainEntry) =>
  entry.type === 'message'
    ? {
        label: messageLabel(entry.message),
        format: formatOf(entry.message),
        hash: entry.message.hash,
        encoding: messageEncoding(entry.message),
        names: [entry.message.sender_name]
      }
    : {
        label: eventLabel(entry.event),
        format: formatOf(entry.event),
        hash: entry.event.hash,
        encoding: eventEncoding(entry.event),
        names: [entry.event.actor_name, entry.event.user_name]
      }

/** Each entry must link from the recorded hash of the one before: a break names its entry. */
function checkLinks(record: RuleRecord, problems: ChainProblem[]) {
  let previous: string | null = null
  for (const entry of inChainOrder(record.messages, record.events).map(linkOf)) {
    if (!entry.encoding) {
      problems.push({ entry: entry.label, reason: `is in chain format ${entry.format}, which is not 1 or 2` })
      previous = entry.hash
      continue
    }
    // A format-1 entry hashes no names: a name beside it would be believed and bound by nothing
    if (entry.format === 1 && entry.names.some((name) => name !== undefined && name !== null))
      problems.push({ entry: entry.label, reason: 'carries a name, yet its chain format (1) hashes none' })
    const expected = link(previous, entry.encoding)
    if (entry.hash === null)
      problems.push({ entry: entry.label, reason: 'has no hash: it was written around the chain' })
    else if (entry.hash !== expected) {
      problems.push({
        entry: entry.label,
        reason: 'does not match its hash: its fields, or its place after the entry before it, changed'
      })
    }
    previous = entry.hash ?? expected
  }
  if (previous !== record.channel.chain_head) {
    problems.push({
      entry: `channel ${record.channel.id}`,
      reason: `its chain head ${record.channel.chain_head} is not the last entry's hash ${previous}: entries are missing or were added`
    })
  }
}

/** Events whose after_seq goes back are out of the order in which they were written. */
function checkEventOrder(events: ChainEvent[], lastSeq: number, problems: ChainProblem[]) {
  let after = 0
  for (const event of [...events].sort((a, b) => a.event_seq - b.event_seq)) {
    if (event.after_seq < after || event.after_seq > lastSeq) {
      problems.push({
        entry: eventLabel(event),
        reason: `follows message seq ${event.after_seq}, out of order`
      })
    }
    after = Math.max(after, event.after_seq)
  }
}

/** A deleted message's time and deleter are the ones its chained deletion event recorded. */
function checkDeletions(record: RuleRecord, problems: ChainProblem[]) {
  const deletions = new Map<number, ChainEvent>()
  for (const event of record.events.filter((e) => e.kind === 'message.deleted')) {
    if (event.message_id === null || deletions.has(event.message_id)) {
      problems.push({ entry: eventLabel(event), reason: 'is not the one deletion of one message' })
    } else deletions.set(event.message_id, event)
  }
  for (const message of record.messages) {
    const event = deletions.get(message.id)
    deletions.delete(message.id)
    const label = messageLabel(message)
    if (!message.is_deleted) {
      if (event)
        problems.push({ entry: label, reason: `is not marked deleted, yet ${eventLabel(event)} deleted it` })
      if (message.deleted_at !== null)
        problems.push({ entry: label, reason: 'has a deleted_at but is not deleted' })
      continue
    }
    if (!event) problems.push({ entry: label, reason: 'is marked deleted without a chained deletion event' })
    else if (event.created_at !== message.deleted_at) {
      problems.push({
        entry: label,
        reason: `deleted_at ${message.deleted_at} differs from its chained deletion at ${event.created_at} (${eventLabel(event)})`
      })
    } else if (event.actor_id !== message.deleted_by) {
      problems.push({
        entry: label,
        reason: `deleted_by ${message.deleted_by} differs from the chained deleter ${event.actor_id} (${eventLabel(event)})`
      })
    }
  }
  for (const event of deletions.values()) {
    problems.push({
      entry: eventLabel(event),
      reason: `deletes message id ${event.message_id}, which is not in the record`
    })
  }
}

/** Every membership interval starts (and ends, if it did) with a chained event at the same time. */
function checkParticipants(record: RuleRecord, problems: ChainProblem[]) {
  const key = (kind: string, userId: number | null, at: string | null) => `${kind}|${userId}|${at}`
  const chained = new Set(record.events.map((e) => key(e.kind, e.user_id, e.created_at)))
  for (const participant of record.participants ?? []) {
    const label = `participant ${participant.id} (user ${participant.user_id})`
    if (!chained.has(key('participant.joined', participant.user_id, participant.joined_at))) {
      problems.push({ entry: label, reason: `joined_at ${participant.joined_at} matches no chained joining` })
    }
    if (
      participant.removed_at !== null &&
      !chained.has(key('participant.left', participant.user_id, participant.removed_at))
    ) {
      problems.push({
        entry: label,
        reason: `removed_at ${participant.removed_at} matches no chained leaving`
      })
    }
  }
}

/** Recomputes a channel's chain from its record and says every entry that breaks it. */
export function verifyChain(record: RuleRecord): ChainCheck {
  const problems: ChainProblem[] = []
  countGaps(record.messages, (m) => m.seq, record.channel.last_seq, 'message seq', problems)
  countGaps(record.events, (e) => e.event_seq, record.channel.last_event_seq, 'event', problems)
  for (const entry of [...record.messages, ...record.events]) {
    if (entry.channel_id !== record.channel.id) {
      problems.push({
        entry: `id ${entry.id}`,
        reason: `belongs to channel ${entry.channel_id}, not ${record.channel.id}`
      })
    }
  }
  checkEventOrder(record.events, record.channel.last_seq, problems)
  checkLinks(record, problems)
  checkDeletions(record, problems)
  checkParticipants(record, problems)
  checkRules(record, problems)
  return {
    valid: problems.length === 0,
    messages: record.messages.length,
    events: record.events.length,
    head: record.channel.chain_head,
    problems
  }
}

const counted = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

/** The lines a person reads: the verdict, then each entry that breaks the chain. */
export function describeCheck(channelId: number, check: ChainCheck): string[] {
  const summary = `channel ${channelId}: ${counted(check.messages, 'message')}, ${counted(check.events, 'event')}, head ${check.head}`
  return [
    check.valid ? `Chain valid: ${summary}` : `Chain BROKEN: ${summary}`,
    ...check.problems.map((problem) => `  ${problem.entry}: ${problem.reason}`)
  ]
}
