/**
 * Message throughput and delivery latency through the real stack: the app on a port,
 * PostgreSQL, Socket.io clients. Creates and drops its own database.
 *
 *   npm run bench [-- --messages 2000 --concurrency 20 --instances 2 --logins 200]
 *
 * With --instances 2 the sender talks to instance A and the receivers to instance B,
 * both on Redis: delivery then measures the path through the Redis adapter.
 *
 * Opt-in scenarios run instead, alone or together, each from a file of its own:
 * --scale (scale.ts), --idle-memory (idle-memory.ts), --pg-cpu (pg-cpu.ts), --pg-cpu-search
 * (pg-cpu-search.ts),
 * --restart (restart.ts), --fanout (fanout.ts), --offline-notifications
 * (offline-notifications.ts), --notification-drain (notification-drain.ts),
 * --login-lockout (login-lockout.ts), --socket-flood (socket-flood.ts), --people-cost
 * (people-cost.ts), --contact-guard (contact-guard.ts) and --chain-names (chain-names.ts).
 *
 * Everyone has a phone number and a push device, as the marketplace's people do (so the
 * notification planner runs); --bare-people gives them neither. --help lists the scenarios.
 */
import { performance } from 'perf_hooks'
import { createTestDatabase, dropTestDatabase } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import { buildBooking, openBookingChannel } from '../test/helpers/factories'
import { closeClients, socketClient } from '../test/helpers/clients'
import { redisSettings, removeTestRedisKeys } from '../test/helpers/redis'
import { loginBurst } from './login-burst'
import { loginLockout } from './login-lockout'
import { floods } from './floods'
import { option, percentile } from './options'
import { flag } from './figures'
import { scale } from './scale'
import { idleMemory } from './idle-memory'
import { pgCpu } from './pg-cpu'
import { pgCpuSearch } from './pg-cpu-search'
import { restart } from './restart'
import { offlineNotifications } from './offline-notifications'
import { fanout } from './fanout'
import { notificationDrain } from './notification-drain'
import { socketFlood } from './socket-flood'
import { peopleCost } from './people-cost'
import { contactGuard } from './contact-guard'
import { chainNames } from './chain-names'

const optIn: Record<string, () => Promise<unknown>> = {
  scale,
  'idle-memory': idleMemory,
  'pg-cpu': pgCpu,
  'pg-cpu-search': pgCpuSearch,
  restart,
  'offline-notifications': offlineNotifications,
  'login-lockout': loginLockout,
  fanout,
  'notification-drain': notificationDrain,
  'socket-flood': socketFlood,
  'people-cost': peopleCost,
  'contact-guard': contactGuard,
  'chain-names': chainNames
}

async function main() {
  const total = option('messages', 2000)
  const concurrency = option('concurrency', 20)
  const instances = option('instances', 1)
  await createTestDatabase()
  const server = await startApp(instances > 1 ? { redis: redisSettings() } : {})
  const receiving = instances > 1 ? await startApp({ redis: redisSettings() }) : server
  try {
    const world = await buildBooking(server.app)
    const channel = await openBookingChannel(server.app, world)
    const people = [
      world.worker,
      world.supervisor,
      world.borrowerAdmin,
      world.borrowerManager,
      world.lenderAdmin,
      world.lenderManager
    ]
    if (!flag('bare-people')) {
      for (const [i, person] of people.entries()) {
        await server.app.service('users').patch(person.id, { phone: `+1555${String(3000000 + i)}` })
        await server.app
          .service('device-tokens')
          .create(
            { token: `bench-device-${person.id}-${'x'.repeat(120)}`, platform: 'android' },
            { user: person }
          )
      }
    }
    const db = server.app.get('postgresqlClient')
    const rowsBefore = Number((await db('notifications').count({ n: '*' }))[0].n)
    const sender = await socketClient(server.url, world.worker)
    const receivers = await Promise.all(
      [
        world.supervisor,
        world.borrowerAdmin,
        world.borrowerManager,
        world.lenderAdmin,
        world.lenderManager
      ].map((who) => socketClient(receiving.url, who))
    )
    const sentAt = new Map<string, number>()
    const deliveries: number[] = []
    let delivered = 0
    const allDelivered = new Promise<void>((resolve) => {
      for (const receiver of receivers) {
        receiver.service('messages').on('created', (message: any) => {
          deliveries.push(performance.now() - sentAt.get(message.client_id)!)
          if (++delivered === total * receivers.length) resolve()
        })
      }
    })

    const acks: number[] = []
    const started = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const clientId = `m${next++}`
          const t0 = performance.now()
          sentAt.set(clientId, t0)
          await sender
            .service('messages')
            .create({ channel_id: channel.id, content: `message ${clientId}`, client_id: clientId })
          acks.push(performance.now() - t0)
        }
      })
    )
    await allDelivered
    const seconds = (performance.now() - started) / 1000
    const rowsWritten = Number((await db('notifications').count({ n: '*' }))[0].n) - rowsBefore

    const figures = {
      messages: total,
      concurrency,
      receivers: receivers.length,
      instances,
      database: 'postgresql',
      people: flag('bare-people') ? 'no phone, no device' : 'a phone and a device each',
      notification_rows_per_message: +(rowsWritten / total).toFixed(3),
      throughput_msgs_per_s: Math.round(total / seconds),
      ack_ms: { p50: percentile(acks, 50), p99: percentile(acks, 99) },
      delivery_ms: { p50: percentile(deliveries, 50), p99: percentile(deliveries, 99) },
      // the whole process: app instances, clients and bench together
      max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      heap_used_mb: Math.round(process.memoryUsage().heapUsed / 2 ** 20)
    }
    console.log(JSON.stringify(figures, null, 2))
    closeClients()
    console.log(JSON.stringify({ login_burst: await loginBurst(server, option('logins', 200)) }, null, 2))
  } finally {
    closeClients()
    await server.close()
    if (receiving !== server) await receiving.close()
    await dropTestDatabase()
    await removeTestRedisKeys()
  }
}

async function chosen(names: string[]) {
  for (const name of names) console.log(JSON.stringify(await optIn[name](), null, 2))
}

const asked = Object.keys(optIn).filter(flag)
if (flag('help')) {
  console.log(
    [
      'npm run bench [-- --messages 2000 --concurrency 20 --instances 2 --logins 200 --bare-people]',
      'Opt-in scenarios, alone or together (each file says its options):',
      ...Object.keys(optIn).map((name) => `  --${name}`)
    ].join('\n')
  )
  process.exit(0)
}
;(asked.length ? chosen(asked) : main().then(floods)).catch((error) => {
  console.error(error)
  process.exit(1)
})
