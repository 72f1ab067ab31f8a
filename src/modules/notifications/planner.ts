import type { Application } from '../../declarations'
import type { DomainEventMap } from '../../events'
import type { Id } from '../../schema-types'
import { logger } from '../../operations/logger'
import { ExpiringCache } from '../../operations/expiring-cache'
import { withRetry } from '../../database/errors'

type MessageCreated = DomainEventMap['chat.message.created']

/**
 * Turns `chat.message.created` events into durable pending deliveries: an SMS for a
 * recipient with a phone number, a push for each of their devices, due after the
 * configured delay. Events of one tick are written in one statement, so a message to
 * many recipients costs one insert; replays insert nothing twice.
 */
const PHONE_CACHE_TTL_MS = 60_000
const DEVICE_CACHE_TTL_MS = 60_000

/**
 * Planned rows go in as one JSON array; a push row is kept only if its device still
 * belongs to its recipient, so a device list remembered a moment too long (a token
 * removed as dead, or registered again by someone else) plans nothing wrong.
 */
const PLAN_SQL = `
  insert into notifications (user_id, channel_id, message_id, scheduled_for, kind, provider, device_token_id)
  select r.user_id, r.channel_id, r.message_id, r.scheduled_for, r.kind, r.provider, r.device_token_id
  from jsonb_to_recordset(:rows::jsonb) as r(user_id bigint, channel_id bigint, message_id bigint,
    scheduled_for timestamptz, kind text, provider text, device_token_id bigint)
  where r.device_token_id is null
    or exists (select 1 from device_tokens d where d.id = r.device_token_id and d.user_id = r.user_id)
  on conflict do nothing`

export class DeliveryPlanner {
  private queue: MessageCreated[] = []
  private flushing = new Set<Promise<void>>()
  // Recipients' phone numbers, so that a busy channel does not read its people on every message
  private phones = new ExpiringCache<Id, { phone: string | null }>(PHONE_CACHE_TTL_MS)
  // Recipients' devices, which change seldom: reading them was a statement per message
  private devices = new ExpiringCache<Id, Id[]>(DEVICE_CACHE_TTL_MS)

  constructor(
    private app: Application,
    private providerNames: { sms: string; push: string },
    private clock: () => Date
  ) {
    app.get('events').on('identity.user.changed', ({ user_id }) => this.phones.delete(user_id))
    app.get('events').on('notifications.devices.changed', ({ user_id }) => this.devices.delete(user_id))
  }

  private async devicesOf(userIds: Id[]) {
    const missing = userIds.filter((id) => !this.devices.has(id))
    if (missing.length) {
      const rows: { id: Id; user_id: Id }[] = await this.app
        .get('postgresqlClient')('device_tokens')
        .whereIn('user_id', missing)
        .select('id', 'user_id')
      for (const id of missing) this.devices.set(id, rows.filter((row) => row.user_id === id).map((row) => row.id))
    }
    return new Map(userIds.map((id) => [id, this.devices.get(id) ?? []]))
  }

  private async phonesOf(userIds: Id[]) {
    const missing = userIds.filter((id) => !this.phones.has(id))
    if (missing.length) {
      const users = await this.app.service('users').find({ query: { id: { $in: missing } }, paginate: false })
      users.forEach((user) => this.phones.set(user.id, { phone: user.phone }))
    }
    return new Map(userIds.map((id) => [id, this.phones.get(id)?.phone ?? null]))
  }

  enqueue(event: MessageCreated) {
    if (this.queue.push(event) > 1) return
    setImmediate(() => {
      const flush = this.flush().catch((error) => logger.error('could not plan notifications', { error: error?.message }))
      this.flushing.add(flush)
      flush.finally(() => this.flushing.delete(flush))
    })
  }

  /** Resolves once everything enqueued so far is written. */
  async settled() {
    while (this.queue.length || this.flushing.size) {
      await Promise.all([...this.flushing])
      if (this.queue.length && !this.flushing.size) await new Promise((resolve) => setImmediate(resolve))
    }
  }

  private async flush() {
    const events = this.queue.splice(0)
    // A database that is briefly away does not lose what was to be planned
    await withRetry(() => this.write(events), { attempts: 8, baseDelayMs: 100 })
  }

  private async write(events: MessageCreated[]) {
    const recipientIds = [...new Set(events.flatMap((event) => event.recipient_ids))]
    const phoneOf = await this.phonesOf(recipientIds)
    const devicesOf = await this.devicesOf(recipientIds)
    const scheduled_for = new Date(this.clock().getTime() + this.app.get('notifications').delay_seconds * 1000).toISOString()

    const rows = events.flatMap((event) =>
      event.recipient_ids.flatMap((recipientId) => {
        const base = { user_id: recipientId, channel_id: event.channel_id, message_id: event.message_id, scheduled_for }
        const sms = phoneOf.get(recipientId) ? [{ ...base, kind: 'sms', provider: this.providerNames.sms, device_token_id: null }] : []
        const pushes = devicesOf
          .get(recipientId)!
          .map((id) => ({ ...base, kind: 'push', provider: this.providerNames.push, device_token_id: id }))
        return [...sms, ...pushes]
      })
    )
    if (rows.length) await this.app.get('postgresqlClient').raw(PLAN_SQL, { rows: JSON.stringify(rows) })
  }
}
