import type { Knex } from 'knex'
import type { Id } from '../../../../schema-types'
import type { ContextType } from './channels.schema'

// A channel follows its context through two paths that must not miss each other: opening
// it (read the context, insert the channel and its people) and reconciling it after a
// change (find the channel, read the context again). A change committed while a channel
// is being opened would otherwise be lost: its reconciliation finds no channel yet, and
// the opening read the context before the change. So both paths take a transaction-scoped
// advisory lock first and read after it: the context's own lock for a booking or dispute,
// and for a change of who works at a company, that company's lock, which an opening takes
// shared (openings do not wait for each other) and the change exclusively.

const lockKey = (kind: string, id: Id) => `chat-follows:${kind}:${id}`

/** Held until `trx` ends: openings and reconciliations of one context take turns. */
export async function lockContext(trx: Knex.Transaction, contextType: ContextType, contextId: Id) {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [lockKey(contextType, contextId)])
}

/** An opening or reconciliation about to read who works at these companies. */
export async function lockCompaniesShared(trx: Knex.Transaction, companyIds: Id[]) {
  // Always in one order, so that two holders of several never wait for each other
  for (const companyId of [...new Set(companyIds)].sort((a, b) => a - b)) {
    await trx.raw('select pg_advisory_xact_lock_shared(hashtext(?))', [lockKey('company', companyId)])
  }
}

/** Waits for every opening under way that read who works at the company. */
export async function lockCompany(trx: Knex.Transaction, companyId: Id) {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [lockKey('company', companyId)])
}
