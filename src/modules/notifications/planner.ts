import type { Application } from '../../declarations'
import type { DomainEventMap } from '../../events'
import type { Id } from '../../schema-types'
import { logger } from '../../logging/logger'
import { ExpiringCache } from '../../cache/expiring-cache'
import { withRetry } from '../../database/errors'

type MessageCreated = DomainEventMap['chat.message.created']
type PlannedRow = {
  user_id: Id
  channel_id: Id
  message_id: Id
  scheduled_for: string
  kind: 'sms' | 'push'
  provider: string
  device_token_id: Id | null
}

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

/**
 * Plans durable deliveries, due after the configured delay: an SMS for a recipient with a
 * phone number, a push for each of their devices. Only what can be sent is planned:
 *
 * - nothing for a recipient who is online (anywhere in the deployment) when the message
 *   is sent; when they go offline with unread messages in a channel, the delivery is
 *   planned then, so whoever leaves with something unread is notified either way;
 * - at most one open delivery per person, channel and destination (a unique index): it
 *   counts what is unread when it goes out, so a message for someone who already has one
 *   writes nothing.
 *
 * Events of one tick are written in one statement; replays insert nothing twice.
 */
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
    app.get('events').on('chat.presence.changed', ({ user_id, online }) => {
      if (!online)
        this.track(withRetry(() => this.planForLeaving(user_id), { attempts: 8, baseDelayMs: 100 }))
    })
  }

  private async devicesOf(userIds: Id[]) {
    const missing = userIds.filter((id) => !this.devices.has(id))
    if (missing.length) {
      const rows: { id: Id; user_id: Id }[] = await this.app
        .get('postgresqlClient')('device_tokens')
        .whereIn('user_id', missing)
        .select('id', 'user_id')
      for (const id of missing)
        this.devices.set(
          id,
          rows.filter((row) => row.user_id === id).map((row) => row.id)
        )
    }
    return new Map(userIds.map((id) => [id, this.devices.get(id) ?? []]))
  }

  private async phonesOf(userIds: Id[]) {
    const missing = userIds.filter((id) => !this.phones.has(id))
    if (missing.length) {
      const users = await this.app.service('users').find({ query: { id: { $in: missing } }, paginate: false })
      // A number its owner has not confirmed gets nothing (it may be someone else's)
      users.forEach((user) =>
        this.phones.set(user.id, { phone: user.phone_confirmed_at ? user.phone : null })
      )
    }
    return new Map(userIds.map((id) => [id, this.phones.get(id)?.phone ?? null]))
  }

  enqueue(event: MessageCreated) {
    if (this.queue.push(event) > 1) return
    setImmediate(() => this.track(this.flush()))
  }

  private track(work: Promise<void>) {
    const guarded = work.catch((error) =>
      logger.error('could not plan notifications', { error: error?.message })
    )
    this.flushing.add(guarded)
    guarded.finally(() => this.flushing.delete(guarded))
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

  private get scheduledFor() {
    return new Date(this.clock().getTime() + this.app.get('notifications').delay_seconds * 1000).toISOString()
  }

  /** One row per destination of each recipient: their phone, each of their devices. */
  private async destinations(recipientIds: Id[]) {
    const [phoneOf, devicesOf] = await Promise.all([
      this.phonesOf(recipientIds),
      this.devicesOf(recipientIds)
    ])
    const { sms, push } = this.providerNames
    return (base: Omit<PlannedRow, 'kind' | 'provider' | 'device_token_id'>): PlannedRow[] => [
      ...(phoneOf.get(base.user_id)
        ? [{ ...base, kind: 'sms' as const, provider: sms, device_token_id: null }]
        : []),
      ...devicesOf
        .get(base.user_id)!
        .map((id) => ({ ...base, kind: 'push' as const, provider: push, device_token_id: id }))
    ]
  }

  private async insert(rows: PlannedRow[]) {
    if (rows.length) await this.app.get('postgresqlClient').raw(PLAN_SQL, { rows: JSON.stringify(rows) })
  }

  private async write(events: MessageCreated[]) {
    const recipientIds = [...new Set(events.flatMap((event) => event.recipient_ids))]
    const online = await this.app.service('presence').onlineAmong(recipientIds)
    const offline = recipientIds.filter((id) => !online.has(id))
    if (!offline.length) return
    const rowsFor = await this.destinations(offline)
    const scheduled_for = this.scheduledFor
    // The first message of the tick for each recipient and channel: the rest would conflict anyway
    const planned = new Map<string, PlannedRow[]>()
    for (const event of events) {
      for (const user_id of event.recipient_ids) {
        const key = `${user_id}:${event.channel_id}`
        if (online.has(user_id) || planned.has(key)) continue
        planned.set(
          key,
          rowsFor({ user_id, channel_id: event.channel_id, message_id: event.message_id, scheduled_for })
        )
      }
    }
    await this.insert([...planned.values()].flat())
  }

  /** Someone went offline: a delivery for each channel where they left something unread. */
  async planForLeaving(userId: Id) {
    const user = await this.app.service('users').get(userId)
    const rowsFor = await this.destinations([userId])
    const scheduled_for = this.scheduledFor
    const { max } = this.app.get('paginate')!
    for (let skip = 0; ; skip += max) {
      const page = await this.app.service('channels').find({
        user,
        participatingOnly: true,
        query: { $limit: max, $skip: skip, $sort: { id: 1 } }
      })
      const unread = page.data.filter((channel) => channel.unread_count > 0 && channel.last_message)
      await this.insert(
        unread.flatMap((channel) =>
          rowsFor({
            user_id: userId,
            channel_id: channel.id,
            message_id: channel.last_message!.id,
            scheduled_for
          })
        )
      )
      if (page.data.length < max) return
    }
  }
}
