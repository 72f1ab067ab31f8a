import type { Knex } from 'knex'
import { BadRequest, Conflict, FeathersError, GeneralError, Unavailable } from '@feathersjs/errors'
import { ERROR } from '@feathersjs/knex'
import { logger } from '../logging/logger'

const TRANSIENT_CODES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT'
])

const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /Knex: Timeout acquiring a connection/i,
  /connect ECONNREFUSED/i
]

const originalOf = (error: any) => error?.[ERROR] ?? error

export const isTransientDatabaseError = (error: any) => {
  const original = originalOf(error)
  if (original instanceof FeathersError) return false
  const code = original?.code
  if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) return true
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(original?.message ?? ''))
}

/**
 * Turns a database error into a Feathers error on purpose: the knex adapter's default
 * makes every constraint violation a 400 and echoes SQL. Callers see what went wrong
 * in their terms; the SQL stays in the log.
 */
export function translateDatabaseError(error: any): FeathersError {
  const original = originalOf(error)
  const code: string | undefined = original?.code
  if (isTransientDatabaseError(error))
    return new Unavailable('The database is unavailable, try again shortly')
  if (code === '23505') return new Conflict(`Already exists (${original.constraint ?? 'unique constraint'})`)
  if (code === '23503')
    return new BadRequest(`Refers to a record that does not exist (${original.constraint ?? 'foreign key'})`)
  if (code === '23502') return new BadRequest(`Missing required value (${original.column ?? 'column'})`)
  if (code === '23514') return new BadRequest(`Invalid value (${original.constraint ?? 'check constraint'})`)
  if (typeof code === 'string' && code.startsWith('22')) return new BadRequest('Invalid value')
  if (code === 'P0001' && original?.hint === 'append-only') return new BadRequest(original.message)
  if (error instanceof FeathersError && !(error as any)[ERROR]) return error
  return new GeneralError('Internal server error')
}

export const isDatabaseError = (error: any) => {
  const original = originalOf(error)
  return Boolean(original?.severity && typeof original?.code === 'string') || isTransientDatabaseError(error)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `work`, retried with backoff on serialization failures, deadlocks and lost
 * connections: safe because every write here is idempotent or atomic.
 */
export async function withRetry<T>(
  work: () => Promise<T>,
  { attempts = 5, baseDelayMs = 20 }: { attempts?: number; baseDelayMs?: number } = {}
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error: any) {
      if (!isTransientDatabaseError(error) || attempt >= attempts) throw error
      const delay = baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random())
      logger.warn('retrying after a transient database error', {
        attempt,
        code: originalOf(error)?.code,
        error: originalOf(error)?.message
      })
      await sleep(delay)
    }
  }
}

/** Runs `work` in one transaction that rolls back whole, retried as `withRetry` says. */
export const withTransaction = <T>(
  db: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
  options?: { attempts?: number; baseDelayMs?: number }
): Promise<T> => withRetry(() => db.transaction(work), options)
