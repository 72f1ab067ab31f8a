import { inChainOrder } from './chain-encoding'
import type { ChainEntry, ChainRecord } from './chain-encoding'
import { eventLabel, messageLabel } from './chain'
import type { ChainProblem } from './chain'

/**
 * Consistency between two states of one channel's record: does the newer one extend
 * the older (the same entries, in the same order, up to the older head, then perhaps
 * more)? Each record is first checked on its own (chain.ts): a record can be valid on
 * its own and still not extend an earlier one, which is exactly what a consistent
 * rewrite by the tables' owner (cut the tail and reset the head, or recompute every
 * link) looks like. An older record held outside the operator's hands exposes it.
 */
export interface ConsistencyCheck {
  extends: boolean
  /** entries of the older record, all of which the newer must hold first */
  older_entries: number
  newer_entries: number
  older_head: string | null
  /** the first entry where the two part, if they do */
  problem: ChainProblem | null
}

type Channel = ChainRecord['channel'] & { context_type?: string; context_id?: number }

const labelled = (entry: ChainEntry) =>
  entry.type === 'message'
    ? { label: messageLabel(entry.message), hash: entry.message.hash }
    : { label: eventLabel(entry.event), hash: entry.event.hash }

const entriesOf = (record: ChainRecord) => inChainOrder(record.messages, record.events).map(labelled)

/** Compares the recorded hashes in chain order: equal hashes at a place mean equal entries up to it. */
export function checkExtends(newer: ChainRecord, older: ChainRecord): ConsistencyCheck {
  const olderEntries = entriesOf(older)
  const newerEntries = entriesOf(newer)
  const result = (problem: ChainProblem | null): ConsistencyCheck => ({
    extends: problem === null,
    older_entries: olderEntries.length,
    newer_entries: newerEntries.length,
    older_head: older.channel.chain_head,
    problem
  })
  const [a, b] = [older.channel as Channel, newer.channel as Channel]
  if (a.id !== b.id || a.context_type !== b.context_type || a.context_id !== b.context_id)
    return result({
      entry: `channel ${b.id}`,
      reason: `is not the older record's channel ${a.id} (${a.context_type} ${a.context_id})`
    })
  for (let at = 0; at < olderEntries.length; at++) {
    const before = olderEntries[at]
    const now = newerEntries[at]
    if (!now)
      return result({
        entry: before.label,
        reason: `is entry ${at + 1} of the older record (hash ${before.hash}), but the newer record ends after ${at} entries: its history was cut`
      })
    if (now.label !== before.label || now.hash !== before.hash)
      return result({
        entry: before.label,
        reason: `is entry ${at + 1} of the older record with hash ${before.hash}; the newer record has ${now.label} with hash ${now.hash} there: the records part here`
      })
  }
  const lastHash = olderEntries.length ? olderEntries[olderEntries.length - 1].hash : null
  if (lastHash !== older.channel.chain_head)
    return result({
      entry: `channel ${a.id}`,
      reason: `the older record's head ${older.channel.chain_head} is not its last entry's hash ${lastHash}`
    })
  return result(null)
}

/** The lines a person reads about the comparison. */
export function describeConsistency(check: ConsistencyCheck, newer: string, older: string): string[] {
  if (check.extends)
    return [
      `Consistent: ${newer} extends ${older}: its first ${check.older_entries} entries are the older record's, up to its head ${check.older_head}; ${check.newer_entries - check.older_entries} more since`
    ]
  return [
    `INCONSISTENT: ${newer} does not extend ${older} (head ${check.older_head}); they part at`,
    `  ${check.problem!.entry}: ${check.problem!.reason}`
  ]
}
