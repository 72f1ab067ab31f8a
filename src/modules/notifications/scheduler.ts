import type { Application } from '../../declarations'
import { logger } from '../../logging/logger'
import type { Notification } from './services/notifications/notifications.schema'
import { DeliveryError } from './providers/provider'
import type { Providers } from './providers'
import { retryAt } from './delivery-rules'
import { decideBatch } from './batch-decisions'
import type { Outgoing } from './batch-decisions'
import { BATCH, claimDue, failInterruptedAttempts } from './delivery-queue'
import { finishAll, finishDecided, markAttempts, writeOutcomes } from './delivery-outcomes'
import type { Finish, Outcomes } from './delivery-outcomes'
import { inParallel } from './in-parallel'
import { withRetry } from '../../database/errors'
import { smsCapOf } from '../../limits/sms-cap'

// Provider calls under way at once: one slow answer does not hold up a batch, and a
// backlog does not open hundreds of connections to a vendor
const SENDING_AT_ONCE = 16

/**
 * The delivery worker. Every instance may run it: rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so each is handled by one worker at a time, and an attempt
 * is marked before the provider is called, so a worker that dies mid-attempt leaves a
 * row that is failed as "outcome unknown" rather than sent a second time. A pass
 * decides and writes its batch set-wise; only the provider calls are one per delivery.
 */
export class NotificationScheduler {
  private timer?: NodeJS.Timeout
  private running?: Promise<number>

  constructor(
    private app: Application,
    private providers: Providers,
    private clock: () => Date
  ) {}

  private get settings() {
    return this.app.get('notifications')
  }

  start() {
    if (!this.settings.poll_ms) return
    this.timer = setInterval(() => this.tick(), this.settings.poll_ms)
    this.timer.unref()
  }

  async stop() {
    clearInterval(this.timer)
    this.timer = undefined
    await this.running
  }

  /** A pass that claimed a full batch leaves more due behind: the next starts at once, not on the next tick. */
  private tick() {
    void this.runOnce().then((claimed) => {
      if (claimed >= BATCH && this.timer) setImmediate(() => this.timer && this.tick())
    })
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
      await this.deliver(claimed, now)
      return claimed.length
    } catch (error: any) {
      logger.error('notification pass failed', { error: error?.message })
      return 0
    }
  }

  /**
   * Decides the batch, then finishes in one statement everything that needs no provider
   * (skipped, deferred, set back, or covered by another delivery to the same destination),
   * and only then sends the rest.
   */
  private async deliver(claimed: Notification[], now: Date) {
    if (!claimed.length) return
    const { finishes, outgoing } = await decideBatch(this.app, claimed, now)
    const marked = await this.markAttempts(outgoing, now)
    const windowEnd = new Date(now.getTime() + this.settings.coalesce_seconds * 1000)
    // Another delivery to the same destination is under way or went out just now
    for (const { row } of outgoing)
      if (!marked.has(row.id)) finishes.push(this.deferred(row, windowEnd, 'coalescing'))
    // The marked rows go out even if this write fails: their claim runs out and they are decided again
    await withRetry(() => finishDecided(this.app, finishes)).catch((error) =>
      logger.error('could not finish the decided notifications', { error: error?.message })
    )
    const outcomes = await this.attempt(
      outgoing.filter(({ row }) => marked.has(row.id)),
      now
    )
    await writeOutcomes(this.app, outcomes, now)
  }

  private deferred(row: Notification, until: Date, reason: string): Finish {
    return { id: row.id, changes: { status: 'deferred', reason, scheduled_for: until.toISOString() } }
  }

  private providerOf(row: Notification) {
    return row.kind === 'sms' ? this.providers.sms.name : this.providers.push.name
  }

  private markAttempts(outgoing: Outgoing[], now: Date) {
    const windowStart = new Date(now.getTime() - this.settings.coalesce_seconds * 1000)
    const attempts = outgoing.map(({ row, text }) => ({ row, body: text, provider: this.providerOf(row) }))
    return markAttempts(this.app, attempts, now, windowStart)
  }

  /** The provider calls, a bounded number at once; what each came to is written afterwards. */
  private async attempt(outgoing: Outgoing[], now: Date): Promise<Outcomes> {
    const outcomes: Outcomes = { sent: [], finished: [], retries: [], unregistered: [] }
    await inParallel(outgoing, SENDING_AT_ONCE, (delivery) =>
      this.attemptOne(delivery, now, outcomes).catch((error) =>
        // The row stays marked: the next passes fail it as interrupted rather than risk a second send
        logger.error('notification delivery failed unexpectedly', {
          id: delivery.row.id,
          error: error?.message
        })
      )
    )
    return outcomes
  }

  /** Anything that goes wrong before or during the call counts as a failed attempt, retried with backoff. */
  private async attemptOne(delivery: Outgoing, now: Date, outcomes: Outcomes) {
    const { row } = delivery
    try {
      if (row.kind === 'sms') {
        const cap = await smsCapOf(this.app).consume(delivery.to)
        if (!cap.allowed) {
          const until = new Date(now.getTime() + cap.retryAfterSeconds * 1000)
          const changes = {
            status: 'deferred' as const,
            reason: 'SMS cap for this number',
            scheduled_for: until.toISOString(),
            attempts: row.attempts
          }
          return void outcomes.finished.push({ id: row.id, changes })
        }
      }
      await this.send(delivery)
      outcomes.sent.push({ row, upToMessageId: delivery.upToMessageId })
    } catch (error: any) {
      this.failed(row, row.attempts + 1, error, outcomes)
    }
  }

  private async send({ row, to, title, text }: Outgoing) {
    if (row.kind === 'sms') return this.providers.sms.send(to, text)
    return this.providers.push.send(to, {
      title,
      body: text,
      data: {
        channel_id: String(row.channel_id),
        message_id: String(row.message_id)
      }
    })
  }

  private failed(row: Notification, attempts: number, error: any, outcomes: Outcomes) {
    const delivery =
      error instanceof DeliveryError ? error : new DeliveryError(error?.message ?? String(error), false)
    if (delivery.unregistered && row.device_token_id) outcomes.unregistered.push(row)
    if (delivery.permanent || attempts >= this.settings.max_attempts) {
      return void outcomes.finished.push({
        id: row.id,
        changes: { status: 'failed', last_error: delivery.message }
      })
    }
    outcomes.retries.push({
      id: row.id,
      last_error: delivery.message,
      scheduled_for: retryAt(this.clock(), attempts, this.settings.retry_base_seconds).toISOString()
    })
  }

  /**
   * Ends this pass's handling of one row, unless a delivery that went out meanwhile on
   * another worker has already covered it ("included in notification N"): deferring it
   * again would send the same news twice.
   */
  finish(row: Notification, changes: Finish['changes']) {
    return finishAll(this.app, [{ id: row.id, changes }])
  }
}
