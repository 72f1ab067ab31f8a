import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import type { Id } from '../../schema-types'
import { logger } from '../../operations/logger'
import type { Notification } from './services/notifications/notifications.schema'
import { DeliveryError } from './providers/provider'
import type { Providers } from './providers'
import { decide } from './delivery-rules'
import { deliveryFacts, sameRecipient } from './delivery-facts'
import { composeText } from './text'
import { deliveryCounter } from './metrics'
import { claimDue, failInterruptedAttempts, skipThoseOnline } from './delivery-queue'
import { smsCapOf } from '../../operations/sms-cap'

/** A delivery the rules let through: where it goes and what it says. */
interface Outgoing {
  to: string
  title: string
  text: string
  upToMessageId: Id | null
}

const UNIQUE_VIOLATION = '23505'

/**
 * The delivery worker. Every instance may run it: rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so each is handled by one worker at a time, and an attempt
 * is marked before the provider is called, so a worker that dies mid-attempt leaves a
 * row that is failed as "outcome unknown" rather than sent a second time.
 */
export class NotificationScheduler {
  private timer?: NodeJS.Timeout
  private running?: Promise<number>

  constructor(
    private app: Application,
    private providers: Providers,
    private clock: () => Date
  ) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  private get settings() {
    return this.app.get('notifications')
  }

  start() {
    if (!this.settings.poll_ms) return
    this.timer = setInterval(() => void this.runOnce(), this.settings.poll_ms)
    this.timer.unref()
  }

  async stop() {
    clearInterval(this.timer)
    await this.running
  }

  /** One pass over what is due; passes never overlap within an instance. */
  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined))
    return this.running
  }

  private async pass() {
    try {
      const now = this.clock()
      await failInterruptedAttempts(this.app, now)
      const claimed = await claimDue(this.app, now, this.settings.claim_seconds)
      const rows = await skipThoseOnline(this.app, claimed)
      for (const row of rows) {
        await this.process(row).catch((error) =>
          logger.error('notification delivery failed unexpectedly', { id: row.id, error: error?.message })
        )
      }
      return claimed.length
    } catch (error: any) {
      logger.error('notification pass failed', { error: error?.message })
      return 0
    }
  }

  private async process(claimed: Notification) {
    // An earlier delivery of this pass may have included this one already
    const row: Notification | undefined = await this.db('notifications').where({ id: claimed.id }).first()
    if (!row || !['pending', 'deferred'].includes(row.status) || row.sending_at) return
    const now = this.clock()
    const { facts, user, participant } = await deliveryFacts(this.app, row)
    const decision = decide(facts, now)
    if (decision.action === 'skip') return this.finish(row, { status: 'skipped', reason: decision.reason })
    if (decision.action === 'defer') {
      return this.finish(row, { status: 'deferred', reason: decision.reason, scheduled_for: decision.until.toISOString() })
    }
    const text = await composeText(this.app, row.channel_id, user.id, participant!.last_read_seq)
    await this.attempt(row, { to: decision.to, ...text }, now)
  }

  /**
   * Marks the attempt, unless another delivery to the same person, channel and device is
   * under way or went out within the coalescing window: workers on other instances
   * decide about the same group, so the check and the mark happen under one lock.
   */
  private async markAttempt(row: Notification, changes: Partial<Notification>, now: Date) {
    const windowStart = new Date(now.getTime() - this.settings.coalesce_seconds * 1000).toISOString()
    return this.db.transaction(async (trx) => {
      const group = `notifications:${row.user_id}:${row.channel_id}:${row.kind}:${row.device_token_id ?? 0}`
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [group])
      const busy = await sameRecipient(trx, row)
        .whereNot({ id: row.id })
        .where((sibling) =>
          sibling.whereNotNull('sending_at').orWhere((sent) => sent.where({ status: 'sent' }).where('sent_at', '>', windowStart))
        )
        .first('id')
      if (busy) return false
      const marked = await trx('notifications')
        .where({ id: row.id })
        .whereNull('sending_at')
        .whereIn('status', ['pending', 'deferred'])
        .update(changes)
      return marked === 1
    })
  }

  private async attempt(row: Notification, verdict: Outgoing, now: Date) {
    const attempts = row.attempts + 1
    const provider = row.kind === 'sms' ? this.providers.sms.name : this.providers.push.name
    const changes = { sending_at: now.toISOString(), attempts, body: verdict.text, provider }
    if (!(await this.markAttempt(row, changes, now))) {
      const until = new Date(now.getTime() + this.settings.coalesce_seconds * 1000)
      return this.finish(row, { status: 'deferred', reason: 'coalescing', scheduled_for: until.toISOString() })
    }
    if (row.kind === 'sms') {
      const cap = await smsCapOf(this.app).consume(verdict.to)
      if (!cap.allowed) {
        const until = new Date(now.getTime() + cap.retryAfterSeconds * 1000)
        return this.finish(row, { status: 'deferred', reason: 'SMS cap for this number', scheduled_for: until.toISOString(), attempts: row.attempts })
      }
    }
    try {
      if (row.kind === 'sms') await this.providers.sms.send(verdict.to, verdict.text)
      else {
        await this.providers.push.send(verdict.to, {
          title: verdict.title,
          body: verdict.text,
          data: { channel_id: String(row.channel_id), message_id: String(row.message_id) }
        })
      }
    } catch (error: any) {
      return this.attemptFailed(row, attempts, error)
    }
    await this.finish(row, { status: 'sent', sent_at: now.toISOString(), last_error: null })
    // What this notification counted needs no notification of its own
    await sameRecipient(this.db, row)
      .whereIn('status', ['pending', 'deferred'])
      .whereNull('sending_at')
      .where('message_id', '<=', Math.max(row.message_id, verdict.upToMessageId ?? 0))
      .update({ status: 'skipped', reason: `included in notification ${row.id}` })
  }

  private async attemptFailed(row: Notification, attempts: number, error: any) {
    const delivery = error instanceof DeliveryError ? error : new DeliveryError(error?.message ?? String(error), false)
    if (delivery.unregistered && row.device_token_id) await this.forgetDevice(row.device_token_id, row.id)
    if (delivery.permanent || attempts >= this.settings.max_attempts) {
      return this.finish(row, { status: 'failed', last_error: delivery.message })
    }
    const backoff = this.settings.retry_base_seconds * 1000 * 2 ** (attempts - 1) * (0.5 + Math.random())
    const retry = { status: 'pending' as const, last_error: delivery.message, scheduled_for: new Date(this.clock().getTime() + backoff).toISOString() }
    await this.finish(row, retry).catch((error) => {
      if (error?.code !== UNIQUE_VIOLATION) throw error
      // A message during the attempt planned another delivery to this destination: that one
      // counts everything unread when it goes out, so this one is not tried again
      return this.finish(row, { status: 'skipped', reason: 'superseded by a newer delivery', last_error: delivery.message })
    })
  }

  private async forgetDevice(deviceTokenId: Id, failedId: Id) {
    await this.db('notifications')
      .where({ device_token_id: deviceTokenId })
      .whereIn('status', ['pending', 'deferred'])
      .whereNot({ id: failedId })
      .update({ status: 'skipped', reason: 'the device token is no longer registered' })
    await this.app.service('device-tokens').remove(deviceTokenId)
  }

  /**
   * Ends this pass's handling of the row, unless a delivery that went out meanwhile on
   * another worker has already covered it ("included in notification N"): deferring it
   * again would send the same news twice.
   */
  private async finish(row: Notification, changes: Partial<Notification>) {
    const [finished]: Notification[] = await this.db('notifications')
      .where({ id: row.id })
      .whereIn('status', ['pending', 'deferred'])
      .update({ ...changes, sending_at: null, claimed_until: null })
      .returning('*')
    if (!finished) return
    deliveryCounter(this.app).inc({ kind: finished.kind, provider: finished.provider, status: finished.status })
  }
}
