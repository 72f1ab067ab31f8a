import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import type { Id } from '../../schema-types'
import type { Notification } from './services/notifications/notifications.schema'
import { DESTINATION_COLUMNS, SAME_DESTINATION, destinationOf } from './delivery-facts'
import { deliveryCounter } from './metrics'
import { withRetry } from '../../database/errors'
import { logger } from '../../logging/logger'

/**
 * What a worker pass writes about a whole batch, one statement per kind of outcome, so
 * that a batch of any size costs the same few commits. Every statement leaves alone a
 * row that is no longer open: another worker's delivery may have covered it meanwhile.
 */

const UNIQUE_VIOLATION = '23505'
const OPEN = `n.status in ('pending', 'deferred')`

const db = (app: Application): Knex => app.get('postgresqlClient')

type Counted = Pick<Notification, 'kind' | 'provider' | 'status'>
const count = (app: Application, rows: Counted[]) =>
  rows.forEach((row) =>
    deliveryCounter(app).inc({ kind: row.kind, provider: row.provider, status: row.status })
  )

/** A change that leaves a column alone unless the row's changes name it. */
const changed = (column: string, type: string) =>
  `${column} = case when jsonb_exists(v.changes, '${column}') then (v.changes->>'${column}')::${type} else n.${column} end`

const finishSql = (andWhere: string) => `
  update notifications n set status = v.changes->>'status',
    ${changed('reason', 'text')}, ${changed('scheduled_for', 'timestamptz')}, ${changed('sent_at', 'timestamptz')},
    ${changed('last_error', 'text')}, ${changed('attempts', 'int')},
    sending_at = null, claimed_until = null
  from jsonb_to_recordset(:rows::jsonb) as v(id bigint, changes jsonb)
  where n.id = v.id and ${OPEN} ${andWhere}
  returning n.kind, n.provider, n.status`
const FINISH_SQL = finishSql('')
// A pass's claim may run out while it decides: a row another worker has claimed and marked since is left to it
const FINISH_DECIDED_SQL = finishSql('and n.sending_at is null')

export interface Finish {
  id: Id
  changes: Partial<
    Pick<Notification, 'status' | 'reason' | 'scheduled_for' | 'sent_at' | 'last_error' | 'attempts'>
  >
}

/** Ends this pass's handling of the rows: skipped, deferred, failed, whatever each says. */
export async function finishAll(app: Application, finishes: Finish[]) {
  if (!finishes.length) return
  const { rows } = await db(app).raw(FINISH_SQL, { rows: JSON.stringify(finishes) })
  count(app, rows)
}

/**
 * Ends, in one statement, every row of a batch that its decision left unsent: skipped,
 * deferred, set back, or covered by another delivery to the same destination.
 */
export async function finishDecided(app: Application, finishes: Finish[]) {
  if (!finishes.length) return
  const { rows } = await db(app).raw(FINISH_DECIDED_SQL, { rows: JSON.stringify(finishes) })
  count(app, rows)
}

/**
 * The deliveries that went out, and in the same statement what each counted: another
 * open delivery to the same destination about a message up to the newest it counted
 * needs no notification of its own.
 */
export async function finishSent(
  app: Application,
  sent: { row: Notification; upToMessageId: Id | null }[],
  at: Date
) {
  if (!sent.length) return
  const outcome = sent.map(({ row, upToMessageId }) => ({
    ...destinationOf(row),
    up_to: Math.max(row.message_id, upToMessageId ?? 0)
  }))
  const { rows } = await db(app).raw(
    `with g as (select * from jsonb_to_recordset(:rows::jsonb) as g(${DESTINATION_COLUMNS}, up_to bigint)),
     sent as (
       update notifications n set status = 'sent', sent_at = :at, last_error = null, sending_at = null, claimed_until = null
       from g where n.id = g.id and ${OPEN}
       returning n.kind, n.provider, n.status
     ), covered as (
       update notifications n set status = 'skipped', reason = 'included in notification ' || g.id
       from g where ${SAME_DESTINATION} and n.id <> g.id and ${OPEN} and n.sending_at is null and n.message_id <= g.up_to
       returning n.id
     )
     select kind, provider, status from sent`,
    { rows: JSON.stringify(outcome), at: at.toISOString() }
  )
  count(app, rows)
}

/**
 * Failed attempts to try again later. A message during the attempt may have planned
 * another delivery to the same destination (the unique index allows one open): that one
 * counts everything unread when it goes out, so this one is not tried again.
 */
const RETRY_SQL = `
  with v as (select * from jsonb_to_recordset(:rows::jsonb) as v(id bigint, last_error text, scheduled_for timestamptz)),
  superseded as (
    select v.id from v join notifications g on g.id = v.id
    where exists (
      select 1 from notifications n
      where ${SAME_DESTINATION} and n.id <> g.id and ${OPEN} and n.sending_at is null
        and (n.kind = 'sms' or n.device_token_id is not null))
  )
  update notifications n set
    status = case when s.id is null then 'pending' else 'skipped' end,
    reason = case when s.id is null then n.reason else 'superseded by a newer delivery' end,
    scheduled_for = case when s.id is null then v.scheduled_for else n.scheduled_for end,
    last_error = v.last_error, sending_at = null, claimed_until = null
  from v left join superseded s on s.id = v.id
  where n.id = v.id and ${OPEN}
  returning n.kind, n.provider, n.status`

export interface Retry {
  id: Id
  last_error: string
  scheduled_for: string
}

export async function retryLater(app: Application, retries: Retry[]): Promise<void> {
  if (!retries.length) return
  try {
    const { rows } = await db(app).raw(RETRY_SQL, { rows: JSON.stringify(retries) })
    count(app, rows)
  } catch (error: any) {
    // A delivery planned between the check and the write: row by row, so only its own row yields
    if (error?.code !== UNIQUE_VIOLATION || retries.length === 1) throw error
    for (const retry of retries) await retryLater(app, [retry])
  }
}

/**
 * Marks the attempts of a batch, each unless another delivery to the same destination is
 * under way or went out within the coalescing window. Workers on other instances decide
 * about the same destinations, so the check and the mark happen under one lock per
 * destination, taken in one order. Returns the ids marked.
 */
export async function markAttempts(
  app: Application,
  attempts: { row: Notification; body: string; provider: string }[],
  now: Date,
  windowStart: Date
): Promise<Set<Id>> {
  if (!attempts.length) return new Set()
  const groups = attempts.map(
    ({ row }) => `notifications:${row.user_id}:${row.channel_id}:${row.kind}:${row.device_token_id ?? 0}`
  )
  const rows = attempts.map(({ row, body, provider }) => ({ ...destinationOf(row), body, provider }))
  return db(app).transaction(async (trx) => {
    await trx.raw(
      `select pg_advisory_xact_lock(h) from (
         select distinct hashtext(k) as h from jsonb_array_elements_text(:groups::jsonb) as k order by h) locks`,
      { groups: JSON.stringify(groups) }
    )
    const { rows: marked } = await trx.raw(
      `update notifications n set sending_at = :now, attempts = n.attempts + 1, body = g.body, provider = g.provider
       from jsonb_to_recordset(:rows::jsonb) as g(${DESTINATION_COLUMNS}, body text, provider text)
       where n.id = g.id and n.sending_at is null and ${OPEN}
         and not exists (
           select 1 from notifications busy
           where busy.user_id = g.user_id and busy.channel_id = g.channel_id and busy.kind = g.kind
             and busy.device_token_id is not distinct from g.device_token_id and busy.id <> g.id
             and ((busy.sending_at is not null and busy.status in ('pending', 'deferred'))
               or (busy.status = 'sent' and busy.sent_at > :windowStart)))
       returning n.id`,
      { rows: JSON.stringify(rows), now: now.toISOString(), windowStart: windowStart.toISOString() }
    )
    return new Set<Id>(marked.map((row: { id: Id }) => Number(row.id)))
  })
}

/** What became of a batch's attempts, written together once they are all over. */
export interface Outcomes {
  sent: { row: Notification; upToMessageId: Id | null }[]
  finished: Finish[]
  retries: Retry[]
  unregistered: Notification[]
}

/**
 * Writes the pass's outcomes, each statement retried over a brief database outage (each
 * checks that its rows are still open, so a retry writes nothing twice) and all of them
 * settled before the pass ends; then forgets the devices their providers no longer know.
 * One failure is logged and leaves the others written: the rows it left marked fail as
 * interrupted once their claim runs out, as after a crash.
 */
export async function writeOutcomes(app: Application, outcomes: Outcomes, now: Date) {
  const writes = await Promise.allSettled([
    withRetry(() => finishSent(app, outcomes.sent, now)),
    withRetry(() => finishAll(app, outcomes.finished)),
    withRetry(() => retryLater(app, outcomes.retries))
  ])
  const unregistered = new Map(outcomes.unregistered.map((row) => [row.device_token_id!, row.id]))
  for (const [deviceTokenId, failedId] of unregistered) {
    await forgetDevice(app, deviceTokenId, failedId).catch((error: Error) =>
      logger.error('could not forget an unregistered device', {
        device_token_id: deviceTokenId,
        error: error?.message
      })
    )
  }
  for (const write of writes) {
    if (write.status === 'rejected')
      logger.error('could not write notification outcomes', { error: write.reason?.message })
  }
}

async function forgetDevice(app: Application, deviceTokenId: Id, failedId: Id) {
  await app
    .get('postgresqlClient')('notifications')
    .where({ device_token_id: deviceTokenId })
    .whereIn('status', ['pending', 'deferred'])
    .whereNot({ id: failedId })
    .update({
      status: 'skipped',
      reason: 'the device token is no longer registered'
    })
  await app
    .service('device-tokens')
    .remove(deviceTokenId)
    .catch((error: { code?: number }) => {
      // Already gone: its owner removed it, or another instance forgot it first
      if (error?.code !== 404) throw error
    })
}
