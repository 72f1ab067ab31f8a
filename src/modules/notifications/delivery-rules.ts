import type { Knex } from 'knex'
import type { Application } from '../../declarations'
import type { Id } from '../../schema-types'
import type { User } from '../identity/users/users.schema'
import type { Notification } from './services/notifications/notifications.schema'
import { composeText } from './text'
import { quietHoursEnd } from './quiet-hours'

export type Verdict =
  | { action: 'skip'; reason: string }
  | { action: 'defer'; until: Date; reason: string }
  | { action: 'send'; to: string; title: string; text: string; upToMessageId: Id | null }

/** Deliveries to the same person, channel and device: what coalescing groups. */
export const sameRecipient = (db: Knex, row: Notification) =>
  db('notifications').where({
    user_id: row.user_id,
    channel_id: row.channel_id,
    kind: row.kind,
    device_token_id: row.device_token_id
  })

/**
 * The specification's delivery rules for one planned delivery at `now`: skipped (deleted,
 * no longer a participant, disabled, online, read, muted, nowhere to send), deferred
 * (quiet hours, coalescing window) or sent, with the text to send.
 */
export async function decide(app: Application, row: Notification, now: Date): Promise<Verdict> {
  const [user, message, participants, presence] = await Promise.all([
    app.service('users').get(row.user_id),
    app.service('messages').get(row.message_id),
    app.service('participants').find({ query: { channel_id: row.channel_id, user_id: row.user_id } }),
    app.service('presence').find({ query: { user_id: row.user_id } })
  ])
  const participant = participants.data[0]
  if (message.is_deleted) return { action: 'skip', reason: 'the message was deleted' }
  if (!participant) return { action: 'skip', reason: 'no longer a participant' }
  // A disabled account keeps its place in channels (history stays) but hears nothing more
  if (user.disabled_at) return { action: 'skip', reason: 'account disabled' }
  if (presence.data[0]?.online) return { action: 'skip', reason: 'online' }
  if (participant.last_read_seq >= message.seq) return { action: 'skip', reason: 'already read' }
  if (participant.muted) return { action: 'skip', reason: 'channel muted' }

  const db: Knex = app.get('postgresqlClient')
  const to = await addressOf(db, row, user)
  if (!to) return { action: 'skip', reason: row.kind === 'sms' ? 'no phone number' : 'the device was removed' }

  const quietUntil = quietHoursEnd(now, user.timezone, user.quiet_hours_start, user.quiet_hours_end)
  if (quietUntil) return { action: 'defer', until: quietUntil, reason: 'quiet hours' }

  const lastSent = await lastSentAt(db, row)
  const windowEnd = lastSent && new Date(lastSent.getTime() + app.get('notifications').coalesce_seconds * 1000)
  if (windowEnd && windowEnd > now) return { action: 'defer', until: windowEnd, reason: 'coalescing' }

  return { action: 'send', to, ...(await composeText(app, row.channel_id, user.id, participant.last_read_seq)) }
}

async function addressOf(db: Knex, row: Notification, user: User): Promise<string | null> {
  if (row.kind === 'sms') return user.phone
  if (!row.device_token_id) return null
  // A token that moved to another person no longer gets this person's notifications
  const device = await db('device_tokens').where({ id: row.device_token_id, user_id: user.id }).first('token')
  return device?.token ?? null
}

async function lastSentAt(db: Knex, row: Notification): Promise<Date | null> {
  const latest = await sameRecipient(db, row).where({ status: 'sent' }).max({ last: 'sent_at' }).first()
  return latest?.last ? new Date(latest.last) : null
}
