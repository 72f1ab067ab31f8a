import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import type { Id } from '../../schema-types'
import type { Notification } from './services/notifications/notifications.schema'
import type { DeliveryFacts } from './delivery-rules'
import type { UnreadSummary } from '../messaging/services/participants/participants.class'

/** A delivery's destination as a record for `jsonb_to_recordset`: the group coalescing speaks of. */
export const destinationOf = (row: Notification) => ({
  id: row.id,
  user_id: row.user_id,
  channel_id: row.channel_id,
  kind: row.kind,
  device_token_id: row.device_token_id
})

/** The same destination in SQL, `n` a notification and `g` a record made by destinationOf. */
export const SAME_DESTINATION = `n.user_id = g.user_id and n.channel_id = g.channel_id and n.kind = g.kind
  and n.device_token_id is not distinct from g.device_token_id`

export const DESTINATION_COLUMNS =
  'id bigint, user_id bigint, channel_id bigint, kind text, device_token_id bigint'

/** What one delivery's rules and text are decided from. */
export interface Prepared {
  row: Notification
  facts: DeliveryFacts
  unread: UnreadSummary
}

const keyOf = (row: { user_id: Id; channel_id: Id; kind: string; device_token_id: Id | null }) =>
  `${row.user_id}:${row.channel_id}:${row.kind}:${row.device_token_id ?? 0}`

/** When each destination last got a notification, for the whole batch in one statement. */
async function lastSentOf(db: Knex, rows: Notification[]) {
  const { rows: found } = await db.raw(
    `select g.user_id, g.channel_id, g.kind, g.device_token_id, max(n.sent_at) as last
     from jsonb_to_recordset(:groups::jsonb) as g(${DESTINATION_COLUMNS})
       join notifications n on ${SAME_DESTINATION}
     where n.status = 'sent'
     group by g.user_id, g.channel_id, g.kind, g.device_token_id`,
    { groups: JSON.stringify(rows.map(destinationOf)) }
  )
  return new Map<string, Date>(
    found.filter((row: any) => row.last).map((row: any) => [keyOf(row), new Date(row.last)])
  )
}

/** The batch's devices, by id, as they are now. */
async function devicesOf(db: Knex, rows: Notification[]) {
  const ids = [...new Set(rows.map((row) => row.device_token_id).filter((id): id is Id => id != null))]
  const devices: { id: Id; user_id: Id; token: string }[] = ids.length
    ? await db('device_tokens').whereIn('id', ids).select('id', 'user_id', 'token')
    : []
  return new Map(devices.map((device) => [device.id, device]))
}

/**
 * What the delivery rules need about a whole batch of planned deliveries, in a handful of
 * statements whatever its size: people through `users`, where they stand in each channel
 * through the participants service's batch read, devices and past sends from this
 * module's tables. Everyone in the batch was found offline just before. A row whose
 * facts cannot be read (its recipient or channel no longer found) has no entry: the
 * caller sets it back rather than let it hold the batch.
 */
export async function deliveryFactsOf(app: Application, rows: Notification[]): Promise<Map<Id, Prepared>> {
  if (!rows.length) return new Map()
  const db: Knex = app.get('postgresqlClient')
  const pairKey = (pair: { user_id: Id; channel_id: Id; message_id: Id }) =>
    `${pair.user_id}:${pair.channel_id}:${pair.message_id}`
  // A person's SMS and each of their pushes in a channel ask the same question once
  const pairs = new Map(
    rows.map(({ user_id, channel_id, message_id }) => [
      pairKey({ user_id, channel_id, message_id }),
      { user_id, channel_id, message_id }
    ])
  )
  const [users, summaries, devices, lastSent] = await Promise.all([
    app
      .service('users')
      .find({ query: { id: { $in: [...new Set(rows.map((row) => row.user_id))] } }, paginate: false }),
    app.service('participants').unreadAmong([...pairs.values()]),
    devicesOf(db, rows),
    lastSentOf(db, rows)
  ])
  const userOf = new Map(users.map((user) => [user.id, user]))
  const summaryOf = new Map(summaries.map((summary) => [pairKey(summary), summary]))
  const prepared = new Map<Id, Prepared>()
  for (const row of rows) {
    const user = userOf.get(row.user_id)
    const unread = summaryOf.get(pairKey(row))
    if (!user || !unread) continue
    // A token that moved to another person no longer gets this person's notifications
    const device = row.device_token_id != null ? devices.get(row.device_token_id) : undefined
    const token = device && device.user_id === row.user_id ? device.token : null
    const facts: DeliveryFacts = {
      kind: row.kind,
      // One open delivery stands for everything unread in the channel: it is about the newest
      // unread message, if any (the planned one may have been read or deleted since)
      message: unread.newest
        ? { is_deleted: false, seq: unread.newest.seq }
        : (unread.planned ?? { is_deleted: true, seq: 0 }),
      participant: unread.participant,
      recipient: { ...user, disabled: Boolean(user.disabled_at), online: false },
      to: row.kind === 'sms' ? (user.phone_confirmed_at ? (user.phone ?? null) : null) : token,
      last_sent_at: lastSent.get(keyOf(row)) ?? null,
      coalesce_seconds: app.get('notifications').coalesce_seconds
    }
    prepared.set(row.id, { row, facts, unread })
  }
  return prepared
}
