import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import type { Notification } from './services/notifications/notifications.schema'
import { deliveryCounter } from './metrics'

// Rows a pass claims: its statements are the same few whatever the size, so a big batch costs little more
export const BATCH = 250

const db = (app: Application): Knex => app.get('postgresqlClient')

/**
 * The queue is the notifications table: what a worker pass does to a whole batch of rows
 * at once, before it decides about each (batch-decisions.ts).
 */

/** Claims up to a batch of due rows for `claimSeconds`; `FOR UPDATE SKIP LOCKED` keeps workers on other instances off them. */
export async function claimDue(app: Application, now: Date, claimSeconds: number): Promise<Notification[]> {
  const claimedUntil = new Date(now.getTime() + claimSeconds * 1000)
  const { rows } = await db(app).raw(
    `with due as (
       select id from notifications
       where status in ('pending', 'deferred') and scheduled_for <= :now and sending_at is null
         and (claimed_until is null or claimed_until < :now)
       order by scheduled_for, id
       limit :batch
       for update skip locked
     )
     update notifications n set claimed_until = :claimedUntil from due where n.id = due.id
     returning n.*`,
    { now: now.toISOString(), claimedUntil: claimedUntil.toISOString(), batch: BATCH }
  )
  return rows
}

/** An attempt whose worker vanished may or may not have gone out: never risk a second one. */
export async function failInterruptedAttempts(app: Application, now: Date) {
  const failed: Notification[] = await db(app)('notifications')
    .whereIn('status', ['pending', 'deferred'])
    .whereNotNull('sending_at')
    .where('claimed_until', '<', now.toISOString())
    .update({
      status: 'failed',
      last_error: 'The attempt was interrupted; its outcome is unknown, so it is not sent again',
      claimed_until: null
    })
    .returning('*')
  failed.forEach((row) =>
    deliveryCounter(app).inc({ kind: row.kind, provider: row.provider, status: 'failed' })
  )
}
