/**
 * Fan-out through Redis: what each instance receives from the adapter while people chat
 * in channels whose sockets all sit on one instance (a channel is pinned to the instance
 * its people reached), with the classic adapter and the sharded one, on one Redis server
 * and on a Redis Cluster of 3 masters that it starts itself. A last scenario spreads each
 * channel's sockets over 3 of the 4 instances. Counted on each instance's adapter
 * subscriber connection, which also carries the room relay (the lag probe left out):
 *
 *   npm run bench -- --fanout [--fanout-messages 800] [--fanout-channels 8] [--fanout-instances 4]
 */
import { performance } from 'perf_hooks'
import { createTestDatabase, dropTestDatabase } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import type { TestServer } from '../test/helpers/app'
import { buildBooking, openBookingChannel } from '../test/helpers/factories'
import type { BookingWorld } from '../test/helpers/factories'
import { closeClients, sleep, socketClient, waitUntil } from '../test/helpers/clients'
import { removeTestRedisKeys, testRedisPrefix, testRedisUrl } from '../test/helpers/redis'
import { startRedisCluster } from '../test/helpers/redis-cluster'
import { tapDelivery } from '../test/helpers/adapter-traffic'
import { option } from './options'
import { round } from './figures'

interface Scenario {
  name: string
  adapter: 'classic' | 'sharded'
  cluster: boolean
  /** instances each channel has sockets on */
  spread: number
}

const SCENARIOS: Scenario[] = [
  { name: 'classic, one Redis', adapter: 'classic', cluster: false, spread: 1 },
  { name: 'sharded, one Redis', adapter: 'sharded', cluster: false, spread: 1 },
  { name: 'classic, cluster of 3', adapter: 'classic', cluster: true, spread: 1 },
  { name: 'sharded, cluster of 3', adapter: 'sharded', cluster: true, spread: 1 },
  { name: 'sharded, cluster of 3, channel on 3 of 4 instances', adapter: 'sharded', cluster: true, spread: 3 }
]

const log = (line: string) => console.error(`[fanout] ${line}`)

interface Result {
  scenario: string
  per_instance: Array<{ messages: number; bytes: number }>
  messages: number
  bytes: number
  delivered: number
  seconds: number
}

async function run(
  scenario: Scenario,
  worlds: BookingWorld[],
  channelIds: number[],
  perChannel: number,
  instances: number,
  nodes?: string[]
) {
  const keyPrefix = `${testRedisPrefix}${scenario.adapter}-${scenario.cluster ? 'cluster' : 'one'}-${scenario.spread}:`
  const redis = nodes
    ? { url: null, cluster_nodes: nodes, keyPrefix, adapter: scenario.adapter }
    : { url: testRedisUrl, cluster_nodes: null, keyPrefix, adapter: scenario.adapter }
  const servers: TestServer[] = []
  try {
    for (let i = 0; i < instances; i++) servers.push(await startApp({ redis }))
    // Channel i lives on instance i (mod N): its sender there, its two listeners there or on the next instances
    const on = (channel: number, offset: number) =>
      servers[(channel + Math.min(offset, scenario.spread - 1)) % instances]
    const people = await Promise.all(
      worlds.map(async (world, i) => ({
        sender: await socketClient(on(i, 0).url, world.worker),
        listeners: [
          await socketClient(on(i, 1).url, world.supervisor),
          await socketClient(on(i, 2).url, world.lenderManager)
        ]
      }))
    )
    // Subscribing to a room's shard channels takes a round trip after the join
    await sleep(500)
    let delivered = 0
    for (const { listeners } of people)
      for (const listener of listeners) listener.service('messages').on('created', () => delivered++)
    const taps = servers.map((server) => tapDelivery(server.app, false))
    const started = performance.now()
    await Promise.all(
      people.map(async ({ sender }, i) => {
        for (let n = 0; n < perChannel; n++) {
          await sender
            .service('messages')
            .create({ channel_id: channelIds[i], content: `fan-out ${n} ${'x'.repeat(200)}` })
        }
      })
    )
    const expected = people.length * 2 * perChannel
    await waitUntil(() => delivered >= expected, `${expected} deliveries`, 60_000)
    const seconds = (performance.now() - started) / 1000
    await sleep(300)
    taps.forEach((tap) => tap.stop())
    const per_instance = taps.map((tap) => {
      const traffic = tap.traffic()
      return {
        messages: traffic.length,
        bytes: traffic.reduce((sum, { channel, bytes }) => sum + channel.length + bytes, 0)
      }
    })
    return {
      scenario: scenario.name,
      per_instance,
      messages: per_instance.reduce((sum, { messages }) => sum + messages, 0),
      bytes: per_instance.reduce((sum, { bytes }) => sum + bytes, 0),
      delivered,
      seconds: round(seconds, 1)
    }
  } finally {
    closeClients()
    for (const server of servers) await server.close()
    if (!nodes) await removeTestRedisKeys(keyPrefix)
  }
}

/** The figures as a Markdown table, each total beside the classic adapter's on one Redis. */
function table(results: Result[], sent: number) {
  const base = results[0]
  const header = `| scenario | ${results[0].per_instance.map((_, i) => `instance ${i + 1}`).join(' | ')} | total messages | total KiB | messages ÷ classic | bytes ÷ classic | per message sent |`
  const rows = results.map((result) => {
    const cells = result.per_instance.map(
      ({ messages, bytes }) => `${messages} (${round(bytes / 1024, 0)} KiB)`
    )
    return `| ${result.scenario} | ${cells.join(' | ')} | ${result.messages} | ${round(result.bytes / 1024, 0)} | ${round(result.messages / base.messages)} | ${round(result.bytes / base.bytes)} | ${round(result.messages / sent)} |`
  })
  return [header, `|${'---|'.repeat(results[0].per_instance.length + 6)}`, ...rows].join('\n')
}

export async function fanout() {
  const total = option('fanout-messages', 800)
  const channels = option('fanout-channels', 8)
  const instances = option('fanout-instances', 4)
  const perChannel = Math.ceil(total / channels)
  await createTestDatabase()
  const cluster = await startRedisCluster(3)
  const results: Result[] = []
  try {
    // The people and channels, made once: every scenario sends into the same channels
    const setup = await startApp()
    const worlds: BookingWorld[] = []
    const channelIds: number[] = []
    try {
      for (let i = 0; i < channels; i++) {
        worlds.push(await buildBooking(setup.app))
        channelIds.push((await openBookingChannel(setup.app, worlds[i])).id)
      }
    } finally {
      await setup.close()
    }
    for (const scenario of SCENARIOS) {
      log(scenario.name)
      results.push(
        await run(
          scenario,
          worlds,
          channelIds,
          perChannel,
          instances,
          scenario.cluster ? cluster.nodes : undefined
        )
      )
    }
  } finally {
    await cluster.stop()
    await dropTestDatabase()
  }
  console.log(table(results, perChannel * channels))
  return { fanout: { messages_sent: perChannel * channels, channels, instances, results } }
}
