/**
 * Seeds the notification-drain scenario straight in SQL, through the schema's own
 * constraints and triggers: `people` recipients, each the worker of one booking whose
 * channel holds two messages from its supervisor that the recipient has not read, each
 * with a confirmed phone number of their own and one push device, nobody online; then
 * the queue, due now: one SMS and one push per recipient and channel, the rows and
 * columns the planner's PLAN_SQL (src/modules/notifications/planner.ts) would write.
 */
import type { Knex } from 'knex'

// Senders only send; a handful of them, as supervisors look after many bookings
const SENDERS = 50
const MESSAGES_PER_CHANNEL = 2

const idsOf = async (db: Knex, sql: string, bindings: Knex.RawBinding[] = []) =>
  (await db.raw(sql, bindings)).rows.map((row: { id: string }) => Number(row.id))

export async function seedDrain(db: Knex, people: number) {
  const [borrower, lender] = await idsOf(
    db,
    `insert into companies (name) values ('Drain borrower'), ('Drain lender') returning id`
  )
  // A number each (the SMS cap counts per number), confirmed, in UTC with no quiet hours,
  // so that neither the cap nor quiet hours defer anything
  const recipients = await idsOf(
    db,
    `insert into users (email, name, password, phone, phone_confirmed_at, timezone, quiet_hours_start, quiet_hours_end)
     select 'drain-person-' || g || '@example.test', 'Person ' || g, 'not a password hash',
       '+1555' || lpad(g::text, 7, '0'), now(), 'UTC', null, null
     from generate_series(1, ?::int) g order by g returning id`,
    [people]
  )
  const senders = await idsOf(
    db,
    `insert into users (email, name, password)
     select 'drain-sender-' || g || '@example.test', 'Sender ' || g, 'not a password hash'
     from generate_series(1, ${SENDERS}) g returning id`
  )
  await db.raw(
    `insert into bookings (borrower_company_id, lender_company_id, worker_id, supervisor_id, status)
     select ?, ?, r.id, (?::bigint[])[1 + r.n % ${SENDERS}], 'confirmed'
     from unnest(?::bigint[]) with ordinality r(id, n) order by r.n`,
    [borrower, lender, senders, recipients]
  )
  await db.raw(
    `insert into chat_channels (context_type, context_id, status, created_at, last_message_at, last_seq)
     select 'booking', b.id, 'active', now() - interval '1 hour', now() - interval '1 minute', ${MESSAGES_PER_CHANNEL}
     from bookings b where b.borrower_company_id = ? order by b.id`,
    [borrower]
  )
  // The recipient has read nothing; the supervisor has read what they sent
  await db.raw(
    `insert into chat_participants (channel_id, user_id, role, last_read_seq, last_read_at)
     select c.id, who.user_id, who.role, who.read, case when who.read > 0 then c.last_message_at end
     from chat_channels c join bookings b on b.id = c.context_id and c.context_type = 'booking',
       lateral (values (b.worker_id, 'worker', 0), (b.supervisor_id, 'supervisor', ${MESSAGES_PER_CHANNEL})) who(user_id, role, read)
     where b.borrower_company_id = ? order by c.id`,
    [borrower]
  )
  await db.raw(
    `insert into chat_messages (channel_id, seq, sender_id, content, created_at)
     select c.id, s, b.supervisor_id, 'Message ' || s || ': the shift starts at seven, bring the safety boots please',
       c.last_message_at - (${MESSAGES_PER_CHANNEL} - s) * interval '1 minute'
     from chat_channels c join bookings b on b.id = c.context_id and c.context_type = 'booking',
       generate_series(1, ${MESSAGES_PER_CHANNEL}) s
     where b.borrower_company_id = ? order by c.id, s`,
    [borrower]
  )
  await db.raw(
    `insert into device_tokens (user_id, token, platform)
     select r.id, 'drain-device-' || r.id || '-' || repeat('x', 120), 'android' from unnest(?::bigint[]) r(id) order by r.id`,
    [recipients]
  )
  // As the planner writes a tick's rows: per recipient and channel the SMS, then each
  // device's push, about the newest message, provider as configured ('log' here)
  const { rowCount } = await db.raw(
    `insert into notifications (user_id, channel_id, message_id, scheduled_for, kind, provider, device_token_id)
     select p.user_id, p.channel_id, m.id, now(), k.kind, 'log', case when k.kind = 'push' then d.id end
     from chat_participants p
       join chat_channels c on c.id = p.channel_id
       join chat_messages m on m.channel_id = c.id and m.seq = c.last_seq
       join device_tokens d on d.user_id = p.user_id
       cross join (values (1, 'sms'), (2, 'push')) k(n, kind)
     where p.role = 'worker' and p.user_id = any(?::bigint[])
     order by p.channel_id, k.n`,
    [recipients]
  )
  await db.raw(
    'vacuum (analyze) users, bookings, chat_channels, chat_participants, chat_messages, device_tokens, notifications'
  )
  return { recipients: recipients.length, queued: rowCount as number }
}
