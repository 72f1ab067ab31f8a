import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import type { Notification } from './services/notifications/notifications.schema'
import type { DeliveryFacts } from './delivery-rules'

/** Deliveries to the same person, channel and device: what coalescing groups. */
export const sameRecipient = (db: Knex, row: Notification) =>
  db('notifications').where({
    user_id: row.user_id,
    channel_id: row.channel_id,
    kind: row.kind,
    device_token_id: row.device_token_id
  })

/** The newest message the recipient has not read in the channel: not theirs, not deleted. */
async function newestUnread(app: Application, row: Notification, lastReadSeq: number) {
  const page = await app.service('messages').find({
    query: { channel_id: row.channel_id, seq: { $gt: lastReadSeq }, sender_id: { $ne: row.user_id }, is_deleted: false, $sort: { seq: -1 }, $limit: 1 }
  })
  return page.data[0]
}

/** What the delivery rules need to know about one planned delivery, read through services at once. */
export async function deliveryFacts(app: Application, row: Notification) {
  const db: Knex = app.get('postgresqlClient')
  const [user, message, participants, presence, device, lastSent] = await Promise.all([
    app.service('users').get(row.user_id),
    app.service('messages').get(row.message_id),
    app.service('participants').find({ query: { channel_id: row.channel_id, user_id: row.user_id } }),
    app.service('presence').find({ query: { user_id: row.user_id } }),
    // A token that moved to another person no longer gets this person's notifications
    row.kind === 'push' && row.device_token_id
      ? db('device_tokens').where({ id: row.device_token_id, user_id: row.user_id }).first('token')
      : undefined,
    sameRecipient(db, row).where({ status: 'sent' }).max({ last: 'sent_at' }).first()
  ])
  const participant = participants.data[0] ?? null
  const facts: DeliveryFacts = {
    kind: row.kind,
    // One open delivery stands for everything unread in the channel: it is about the newest
    // unread message, if any (the planned one may have been read or deleted since)
    message: (participant && (await newestUnread(app, row, participant.last_read_seq))) ?? message,
    participant,
    recipient: { ...user, disabled: Boolean(user.disabled_at), online: Boolean(presence.data[0]?.online) },
    to: row.kind === 'sms' ? (user.phone_confirmed_at ? user.phone : null) : (device?.token ?? null),
    last_sent_at: lastSent?.last ? new Date(lastSent.last) : null,
    coalesce_seconds: app.get('notifications').coalesce_seconds
  }
  return { facts, user, participant }
}
