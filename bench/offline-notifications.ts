/**
 * Notifications under a busy channel with people away: one booking channel with online
 * receivers, offline participants and senders, every person with a phone and a push
 * device, the worker running (delay 2 s, polled every second), steady sending for a
 * while. Reports the send rate, notification rows written per message, the most open
 * deliveries seen (sampled each second) against its goal (ten per offline destination),
 * what is left open at the end and how long the oldest due one has waited, how many
 * notifications each offline destination got (one: the run is shorter than the coalescing
 * window) and how long after its message each went out (bound: the delay plus one poll).
 *
 *   npm run bench -- --offline-notifications [--seconds 60 --online 10 --offline 10 --senders 4]
 */
import { performance } from 'perf_hooks'
import { createTestDatabase, dropTestDatabase } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import { addMember, buildBooking, buildUser, openBookingChannel } from '../test/helpers/factories'
import type { TestUser } from '../test/helpers/factories'
import { closeClients, sleep, socketClient } from '../test/helpers/clients'
import { option } from './options'
import { round } from './figures'

const DELAY_SECONDS = 2
const POLL_MS = 1000

export async function offlineNotifications() {
  const seconds = option('seconds', 60)
  const [online, offline, senders] = [option('online', 10), option('offline', 10), option('senders', 4)]
  await createTestDatabase()
  const server = await startApp({
    notifications: {
      delay_seconds: DELAY_SECONDS,
      coalesce_seconds: 300,
      max_attempts: 5,
      retry_base_seconds: 2,
      poll_ms: POLL_MS,
      claim_seconds: 60
    }
  })
  const db = server.app.get('postgresqlClient')
  try {
    const world = await buildBooking(server.app)
    // Everyone beyond the booking's own people joins as a manager of the borrower
    const extra = (n: number) => Promise.all(Array.from({ length: n }, () => buildUser(server.app)))
    const [onlinePeople, offlinePeople, sendingPeople] = [
      await extra(online - 1),
      await extra(offline - 1),
      await extra(senders - 1)
    ]
    for (const person of [...onlinePeople, ...offlinePeople, ...sendingPeople]) {
      await addMember(server.app, world.borrowerCompanyId, person.id, 'manager')
    }
    const channel = await openBookingChannel(server.app, world)
    const receivers: TestUser[] = [world.supervisor, ...onlinePeople]
    const away: TestUser[] = [world.lenderAdmin, ...offlinePeople]
    const sending: TestUser[] = [world.worker, ...sendingPeople]
    // The booking's remaining people count as offline participants too
    const everyone = [
      ...receivers,
      ...away,
      ...sending,
      world.borrowerAdmin,
      world.borrowerManager,
      world.lenderManager
    ]
    for (const [i, person] of everyone.entries()) {
      await server.app.service('users').patch(person.id, { phone: `+1555${String(2000000 + i)}` })
      await server.app
        .service('device-tokens')
        .create(
          { token: `bench-device-${person.id}-${'x'.repeat(120)}`, platform: 'android' },
          { user: person }
        )
    }
    const destinationsAway = (everyone.length - receivers.length - sending.length) * 2
    await Promise.all(receivers.map((person) => socketClient(server.url, person)))
    const clients = await Promise.all(sending.map((person) => socketClient(server.url, person)))

    const rowsBefore = Number((await db('notifications').count({ n: '*' }))[0].n)
    let sent = 0
    let maxOpen = 0
    let running = true
    const sampling = (async () => {
      while (running) {
        const [{ n }] = await db('notifications').whereIn('status', ['pending', 'deferred']).count({ n: '*' })
        maxOpen = Math.max(maxOpen, Number(n))
        await sleep(1000)
      }
    })()
    const started = performance.now()
    const startedAt = Date.now()
    const deadline = started + seconds * 1000
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < deadline) {
          await client.service('messages').create({ channel_id: channel.id, content: `message ${sent}` })
          sent++
        }
      })
    )
    const elapsed = (performance.now() - started) / 1000
    running = false
    await sampling
    const rowsWritten = Number((await db('notifications').count({ n: '*' }))[0].n) - rowsBefore
    const {
      rows: [backlog]
    } = await db.raw(
      `select count(*)::int as open, coalesce(extract(epoch from now() - min(scheduled_for) filter (where scheduled_for <= now())), 0)::float as waited
       from notifications where status in ('pending', 'deferred')`
    )
    const perDestination: { n: number }[] = await db('notifications')
      .where({ channel_id: channel.id, status: 'sent' })
      .groupBy('user_id', 'kind', 'device_token_id')
      .select(db.raw('count(*)::int as n'))
    const firstSent = await db('notifications')
      .where({ channel_id: channel.id, status: 'sent' })
      .min({ at: 'sent_at' })
      .first()
    // Each notification from the message it was planned for (the first one its destination missed)
    const {
      rows: [latency]
    } = await db.raw(
      `select max(extract(epoch from n.sent_at - m.created_at))::float as slowest,
         max(extract(epoch from n.sent_at - n.scheduled_for))::float as after_due
       from notifications n join chat_messages m on m.id = n.message_id
       where n.channel_id = ? and n.status = 'sent'`,
      [channel.id]
    )
    const boundSeconds = DELAY_SECONDS + POLL_MS / 1000
    const maxOpenGoal = 10 * destinationsAway
    return {
      offline_notifications: {
        seconds: round(elapsed, 1),
        online_receivers: receivers.length,
        offline_participants: everyone.length - receivers.length - sending.length,
        offline_destinations: destinationsAway,
        senders: sending.length,
        messages: sent,
        msgs_per_s: Math.round(sent / elapsed),
        notification_rows_per_message: round(rowsWritten / Math.max(sent, 1), 3),
        max_open_deliveries: maxOpen,
        max_open_goal: maxOpenGoal,
        max_open_within_goal: maxOpen <= maxOpenGoal,
        open_at_end: backlog.open,
        oldest_due_waited_s: round(backlog.waited, 1),
        destinations_notified: perDestination.length,
        notifications_per_destination: [...new Set(perDestination.map((row) => row.n))],
        each_destination_notified_once:
          perDestination.length === destinationsAway && perDestination.every((row) => row.n === 1),
        // From the first message; the bound is the delay plus one poll interval
        first_notification_after_s: firstSent?.at
          ? round((new Date(firstSent.at).getTime() - startedAt) / 1000, 1)
          : null,
        slowest_notification_after_its_message_s: latency.slowest == null ? null : round(latency.slowest, 2),
        slowest_notification_after_due_s: latency.after_due == null ? null : round(latency.after_due, 2),
        bound_after_message_s: boundSeconds,
        every_notification_within_bound: latency.slowest != null && latency.slowest <= boundSeconds
      }
    }
  } finally {
    closeClients()
    await server.close()
    await dropTestDatabase()
  }
}
