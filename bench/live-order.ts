/**
 * Whether live `messages created` reach each receiver in seq order when people send to
 * one channel through two instances at once (the Redis adapter between them), and how
 * late they arrive. Creates and drops its own database and Redis keys.
 *
 *   npm run bench:order [-- --messages 2000 --concurrency 4 --window 80]
 *
 * Two senders on each instance keep `concurrency` sends in flight each; two people listen
 * on both instances (four connections). An arrival is out of order when a higher seq of
 * the channel reached that connection before it. `--window 0` turns the server's reorder
 * window off, to measure without it.
 */
import { performance } from 'perf_hooks'
import { createTestDatabase, dropTestDatabase } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import type { TestServer } from '../test/helpers/app'
import { buildBooking, openBookingChannel } from '../test/helpers/factories'
import { closeClients, socketClient, waitUntil } from '../test/helpers/clients'
import { redisSettings, removeTestRedisKeys } from '../test/helpers/redis'
import type { Message } from '../src/client'
import { option, percentile } from './options'

interface Receiver {
  instance: string
  arrivals: Message[]
  at: number[]
}

/** How one connection heard the channel: inversions, gaps and repeats. */
function orderOf(receiver: Receiver, total: number) {
  let highest = 0
  let outOfOrder = 0
  const seen = new Set<number>()
  let duplicates = 0
  for (const { seq } of receiver.arrivals) {
    if (seen.has(seq)) duplicates++
    seen.add(seq)
    if (seq < highest) outOfOrder++
    highest = Math.max(highest, seq)
  }
  return {
    instance: receiver.instance,
    received: receiver.arrivals.length,
    out_of_order: outOfOrder,
    duplicates,
    missing: total - seen.size
  }
}

async function main() {
  const total = option('messages', 2000)
  const concurrency = option('concurrency', 4)
  const window = option('window', -1)
  const realtime = window >= 0 ? { realtime: { reorder_window_ms: window } } : {}
  await createTestDatabase()
  const a = await startApp({ redis: redisSettings(), ...realtime })
  const b = await startApp({ redis: redisSettings(), ...realtime })
  const instances: [string, TestServer][] = [
    ['A', a],
    ['B', b]
  ]
  try {
    const world = await buildBooking(a.app)
    const channel = await openBookingChannel(a.app, world)
    const senders = await Promise.all([
      socketClient(a.url, world.worker),
      socketClient(a.url, world.supervisor),
      socketClient(b.url, world.borrowerAdmin),
      socketClient(b.url, world.lenderAdmin)
    ])
    const receivers: Receiver[] = []
    for (const person of [world.borrowerManager, world.lenderManager]) {
      for (const [name, server] of instances) {
        const receiver: Receiver = { instance: name, arrivals: [], at: [] }
        const client = await socketClient(server.url, person)
        client.service('messages').on('created', (message) => {
          receiver.arrivals.push(message)
          receiver.at.push(performance.now())
        })
        receivers.push(receiver)
      }
    }

    const sentAt = new Map<number, number>()
    const started = performance.now()
    let next = 0
    await Promise.all(
      senders.flatMap((sender) =>
        Array.from({ length: concurrency }, async () => {
          while (next < total) {
            next++
            const t0 = performance.now()
            const message = await sender
              .service('messages')
              .create({ channel_id: channel.id, content: `message ${next}` })
            sentAt.set(message.seq, t0)
          }
        })
      )
    )
    const seconds = (performance.now() - started) / 1000
    await waitUntil(() => receivers.every((r) => r.arrivals.length >= total), 'every arrival', 20_000).catch(
      () => undefined
    )

    const delivery = receivers.flatMap((r) => r.arrivals.map((m, i) => r.at[i] - sentAt.get(m.seq)!))
    const perReceiver = receivers.map((receiver) => orderOf(receiver, total))
    console.log(
      JSON.stringify(
        {
          live_order: {
            messages: total,
            instances: 2,
            senders: senders.length,
            concurrency_per_sender: concurrency,
            reorder_window_ms: window >= 0 ? window : a.app.get('realtime').reorder_window_ms,
            throughput_msgs_per_s: Math.round(total / seconds),
            delivery_ms: { p50: percentile(delivery, 50), p99: percentile(delivery, 99) },
            out_of_order: perReceiver.reduce((sum, r) => sum + r.out_of_order, 0),
            arrivals: perReceiver.reduce((sum, r) => sum + r.received, 0),
            receivers: perReceiver
          }
        },
        null,
        2
      )
    )
  } finally {
    closeClients()
    await a.close()
    await b.close()
    await dropTestDatabase()
    await removeTestRedisKeys()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
