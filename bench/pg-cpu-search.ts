/**
 * What message search costs a send through the service: PostgreSQL's CPU per send into a
 * database as migrated (the generated search vector and the GIN index on channel and
 * vector) and into a scratch database without them (the index dropped, the vector a plain
 * column left null, so that no statement changes), in one run. Each database has its own
 * app, world and channel; the rounds alternate which goes first, so that what else the
 * shared machine does falls on both alike. CPU is that of the backends serving each
 * database (utime + stime from /proc), as in the --pg-cpu scenario.
 *
 *   npm run bench -- --pg-cpu-search [--search-rounds 6] [--search-messages 500]
 */
import os from 'os'
import pg from 'pg'
import { createSuiteDatabase } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import type { TestServer } from '../test/helpers/app'
import { buildBooking, openBookingChannel } from '../test/helpers/factories'
import { round } from './figures'
import { option, percentile } from './options'
import { backendCpu, cpuSpent } from './pg-cpu'

interface Side {
  name: 'with_search' | 'without_search'
  database: { url: string; drop: () => Promise<unknown> }
  server?: TestServer
  observer?: pg.Client
  send?: (i: number) => Promise<unknown>
  cpuPerMessage: number[]
}

async function open(side: Side) {
  side.server = await startApp({
    database: { url: side.database.url, dataDir: '', pool: { min: 0, max: 10 } }
  })
  const app = side.server.app
  const world = await buildBooking(app)
  const channel = await openBookingChannel(app, world)
  const sender = await app.service('users').get(world.worker.id)
  side.send = (i) =>
    app
      .service('messages')
      .create({ channel_id: channel.id, content: `message ${i} of the search write bench` }, { user: sender })
  side.observer = new pg.Client({ connectionString: side.database.url })
  await side.observer.connect()
  // Warms the pool's connections and their prepared statements
  for (let i = 0; i < 50; i++) await side.send(i)
}

async function measureRound(side: Side, n: number) {
  const observerPid = (await side.observer!.query('select pg_backend_pid() as pid')).rows[0].pid
  const before = await backendCpu(side.observer!, [observerPid])
  for (let i = 0; i < n; i++) await side.send!(i)
  const after = await backendCpu(side.observer!, [observerPid])
  side.cpuPerMessage.push(cpuSpent(before, after) / n)
}

export async function pgCpuSearch() {
  const rounds = option('search-rounds', 6)
  const n = option('search-messages', 500)
  const searched: Side = {
    name: 'with_search',
    database: await createSuiteDatabase('cpu_searched'),
    cpuPerMessage: []
  }
  const bare: Side = {
    name: 'without_search',
    database: await createSuiteDatabase('cpu_bare'),
    cpuPerMessage: []
  }
  const loadBefore = os.loadavg()
  try {
    const scratch = new pg.Client({ connectionString: bare.database.url })
    await scratch.connect()
    try {
      await scratch.query('drop index chat_messages_channel_search')
      await scratch.query('alter table chat_messages alter column search_vector drop expression')
    } finally {
      await scratch.end()
    }
    await open(searched)
    await open(bare)
    for (let r = 0; r < rounds; r++) {
      for (const side of r % 2 ? [bare, searched] : [searched, bare]) await measureRound(side, n)
    }
    const median = (values: number[]) => percentile(values, 50)!
    const ratios = searched.cpuPerMessage.map((cpu, r) => cpu / bare.cpuPerMessage[r])
    const indexBytes = Number(
      (
        await searched.observer!.query(
          `select pg_relation_size('chat_messages_channel_search') / count(*) as n from chat_messages`
        )
      ).rows[0].n
    )
    return {
      pg_cpu_search: {
        rounds,
        messages_per_round: n,
        cpu_us_per_message: {
          with_search: searched.cpuPerMessage.map((cpu) => round(cpu, 0)),
          without_search: bare.cpuPerMessage.map((cpu) => round(cpu, 0))
        },
        median_us: {
          with_search: median(searched.cpuPerMessage),
          without_search: median(bare.cpuPerMessage)
        },
        ratio_of_medians: round(median(searched.cpuPerMessage) / median(bare.cpuPerMessage), 2),
        median_of_round_ratios: round(percentile(ratios, 50)!, 2),
        search_index_bytes_per_message: indexBytes,
        load_average: {
          before: loadBefore.map((load) => round(load, 1)),
          after: os.loadavg().map((load) => round(load, 1))
        }
      }
    }
  } finally {
    for (const side of [searched, bare]) {
      await side.observer?.end()
      await side.server?.close()
      await side.database.drop()
    }
  }
}
