/**
 * What people in the production shape cost a send: two booking channels on one
 * instance, everyone in both online over Socket.io; in one, every participant has a
 * confirmed phone number and a push device, in the other nobody has either. Rounds of
 * sends alternate between the two (bare, production, bare, ...) from a sender with a
 * few sends in flight, and each round counts its messages per second, the CPU of the
 * database backends serving the service (utime + stime from /proc) per message, and the
 * notification rows written. Prints the medians of each side and production ÷ bare.
 *
 *   npm run bench -- --people-cost [--people-messages 600] [--people-rounds 5] [--people-concurrency 4]
 */
import { performance } from 'perf_hooks'
import pg from 'pg'
import type { Application } from '../src/declarations'
import { createTestDatabase, dropTestDatabase, testDatabaseUrl } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import { buildBooking, openBookingChannel } from '../test/helpers/factories'
import type { BookingWorld } from '../test/helpers/factories'
import { closeClients, socketClient } from '../test/helpers/clients'
import type { ClientApplication } from '../src/client'
import { notificationsOf } from '../src/modules/notifications'
import { cpuMicros, round } from './figures'
import { option, percentile } from './options'

type Side = 'bare' | 'production'

const peopleOf = (world: BookingWorld) => [
  world.worker,
  world.supervisor,
  world.borrowerAdmin,
  world.borrowerManager,
  world.lenderAdmin,
  world.lenderManager
]

/** A confirmed phone and one push device for each, as the marketplace's people have. */
async function equip(app: Application, world: BookingWorld, first: number) {
  for (const [i, person] of peopleOf(world).entries()) {
    await app
      .get('postgresqlClient')('users')
      .where({ id: person.id })
      .update({ phone: `+1555${String(first + i).padStart(7, '0')}`, phone_confirmed_at: new Date() })
    await app
      .service('device-tokens')
      .create(
        { token: `bench-device-${person.id}-${'x'.repeat(120)}`, platform: 'android' },
        { user: person }
      )
  }
}

/** Database backends' CPU so far, by pid, other than the observer's own. */
async function backendCpu(observer: pg.Client) {
  const { rows } = await observer.query(
    `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`
  )
  return new Map<number, number>(rows.map(({ pid }) => [pid, cpuMicros(pid)]))
}

const notificationRows = async (observer: pg.Client) =>
  Number((await observer.query('select count(*)::int as n from notifications')).rows[0].n)

export async function peopleCost() {
  const perRound = option('people-messages', 600)
  const rounds = option('people-rounds', 5)
  const concurrency = option('people-concurrency', 4)
  await createTestDatabase()
  const server = await startApp()
  const observer = new pg.Client({ connectionString: testDatabaseUrl })
  try {
    await observer.connect()
    const worlds = { bare: await buildBooking(server.app), production: await buildBooking(server.app) }
    await equip(server.app, worlds.production, 3_000_000)
    const channels = {
      bare: await openBookingChannel(server.app, worlds.bare),
      production: await openBookingChannel(server.app, worlds.production)
    }
    const online: Record<Side, ClientApplication[]> = { bare: [], production: [] }
    for (const side of ['bare', 'production'] as const)
      for (const person of peopleOf(worlds[side])) online[side].push(await socketClient(server.url, person))

    let sent = 0
    const sendRound = async (side: Side, n: number) => {
      const sender = online[side][0]
      let left = n
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left-- > 0)
            await sender
              .service('messages')
              .create({ channel_id: channels[side].id, content: `message ${sent++} of the people bench` })
        })
      )
    }
    // Warms both channels: prepared statements, caches of phones and devices
    await sendRound('bare', 100)
    await sendRound('production', 100)

    const figures: Record<Side, { msgs_per_s: number[]; pg_cpu_us: number[]; rows: number }> = {
      bare: { msgs_per_s: [], pg_cpu_us: [], rows: 0 },
      production: { msgs_per_s: [], pg_cpu_us: [], rows: 0 }
    }
    for (let r = 0; r < rounds; r++) {
      for (const side of ['bare', 'production'] as const) {
        const cpuBefore = await backendCpu(observer)
        const rowsBefore = await notificationRows(observer)
        const started = performance.now()
        await sendRound(side, perRound)
        const seconds = (performance.now() - started) / 1000
        // The planner writes after the send is answered: wait for what it has queued
        await notificationsOf(server.app).planner.settled()
        const cpuAfter = await backendCpu(observer)
        const spent = [...cpuAfter].reduce((sum, [pid, us]) => sum + us - (cpuBefore.get(pid) ?? 0), 0)
        figures[side].msgs_per_s.push(perRound / seconds)
        figures[side].pg_cpu_us.push(spent / perRound)
        figures[side].rows += (await notificationRows(observer)) - rowsBefore
      }
    }
    const summary = (side: Side) => ({
      msgs_per_s: Math.round(percentile(figures[side].msgs_per_s, 50)!),
      pg_cpu_us_per_message: round(percentile(figures[side].pg_cpu_us, 50)!, 1),
      notification_rows_per_message: round(figures[side].rows / (perRound * rounds), 3)
    })
    const bare = summary('bare')
    const production = summary('production')
    return {
      people_cost: {
        messages_per_round: perRound,
        rounds,
        concurrency,
        bare,
        production,
        ratio: {
          msgs_per_s: round(production.msgs_per_s / bare.msgs_per_s, 2),
          pg_cpu_per_message: round(production.pg_cpu_us_per_message / bare.pg_cpu_us_per_message, 2)
        },
        goal: { msgs_per_s: '>= 0.95', pg_cpu_per_message: '<= 1.1', notification_rows_per_message: 0 }
      }
    }
  } finally {
    closeClients()
    await observer.end()
    await server.close()
    await dropTestDatabase()
  }
}
