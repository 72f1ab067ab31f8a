/**
 * What keeping names in the chain costs a send: the CPU per message of the send path with
 * the send function of the names' migration (reads the sender's name, hashes one more
 * field, stores two more columns) against the send function as it was before, in
 * alternating rounds in one run on one database and one app, so that the noise of a
 * shared machine falls on both alike. The app's code is the same for both; only the
 * database's function is swapped between rounds (`create or replace`, as a migration
 * would). Each variant sends to a channel of its own, so each chain stays in one format.
 * Database CPU is that of the backends serving the app (/proc, as --pg-cpu); app CPU is
 * this process's, which runs the app. The function alone is then called by a client of its
 * own, whose one backend's CPU is the sharper figure of what the function itself costs.
 *
 *   npm run bench -- --chain-names [--names-rounds 10 --names-messages 500]
 */
import pg from 'pg'
import { createTestDatabase, dropTestDatabase, testDatabaseUrl } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import { buildBooking, openBookingChannel } from '../test/helpers/factories'
import { WITH_NAMES, WITHOUT_NAMES } from '../migrations/20261208000200_chat-chain-names'
import { backendCpu, cpuSpent } from './pg-cpu'
import { cpuMicros, round } from './figures'
import { option } from './options'

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return round(sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, 1)
}
const appCpuMicros = () => {
  const { user, system } = process.cpuUsage()
  return user + system
}

export async function chainNames() {
  const rounds = option('names-rounds', 10)
  const n = option('names-messages', 500)
  await createTestDatabase()
  const server = await startApp()
  const observer = new pg.Client({ connectionString: testDatabaseUrl })
  const direct = new pg.Client({ connectionString: testDatabaseUrl })
  try {
    await Promise.all([observer.connect(), direct.connect()])
    const observerPid = (await observer.query('select pg_backend_pid() as pid')).rows[0].pid
    const directPid = (await direct.query('select pg_backend_pid() as pid')).rows[0].pid
    const variant = async (name: 'before' | 'after', sql: string) => {
      const world = await buildBooking(server.app)
      const channelId = (await openBookingChannel(server.app, world)).id
      const sender = await server.app.service('users').get(world.worker.id)
      const send = (i: number) =>
        server.app
          .service('messages')
          .create({ channel_id: channelId, content: `message ${i} of the names bench` }, { user: sender })
      const call = (i: number) =>
        direct.query({
          name: 'bench-send',
          text: 'select id from chat_send_message($1, $2, $3, null)',
          values: [channelId, sender.id, `message ${i} of the names bench`]
        })
      return { name, sql, send, call, db: [] as number[], app: [] as number[], fn: [] as number[] }
    }
    const variants = [await variant('before', WITHOUT_NAMES.send), await variant('after', WITH_NAMES.send)]
    for (const { sql, send, call } of variants) {
      await observer.query(sql)
      // the pool's connections, their plans and the function compiled
      for (let i = 0; i < 50; i++) await Promise.all([send(i), call(i)])
    }
    for (let r = 0; r < rounds; r++) {
      // before, after, after, before, …: neither always goes first
      for (const v of r % 2 ? [...variants].reverse() : variants) {
        await observer.query(v.sql)
        await Promise.all([v.send(-1), v.call(-1)]) // compiles the swapped function outside the measurement
        const except = [observerPid, directPid]
        const [dbBefore, appBefore] = [await backendCpu(observer, except), appCpuMicros()]
        for (let i = 0; i < n; i++) await v.send(i)
        const app = appCpuMicros() - appBefore
        v.db.push(round(cpuSpent(dbBefore, await backendCpu(observer, except)) / n, 1))
        v.app.push(round(app / n, 1))
        const fnBefore = cpuMicros(directPid)
        for (let i = 0; i < n; i++) await v.call(i)
        v.fn.push(round((cpuMicros(directPid) - fnBefore) / n, 1))
      }
    }
    const summary = Object.fromEntries(
      variants.map((v) => [
        v.name,
        {
          db_cpu_us_per_message: { median: median(v.db), rounds: v.db },
          app_cpu_us_per_message: { median: median(v.app), rounds: v.app },
          function_alone_cpu_us_per_call: { median: median(v.fn), rounds: v.fn }
        }
      ])
    )
    const [before, after] = variants
    const total = (v: (typeof variants)[number]) => median(v.db) + median(v.app)
    // Each round measures both, one after the other: the ratio within a round is paired, and
    // its median over the rounds is the figure least moved by the machine's load changing
    const paired = (of: (v: (typeof variants)[number]) => number[]) =>
      round(median(of(after).map((value, r) => (value / of(before)[r]) * 1000)) / 1000, 3)
    return {
      chain_names: {
        rounds,
        messages_per_round: n,
        ...summary,
        ratio_after_to_before: {
          db_cpu: round(median(after.db) / median(before.db), 3),
          app_cpu: round(median(after.app) / median(before.app), 3),
          send_path_cpu: round(total(after) / total(before), 3),
          function_alone_cpu: round(median(after.fn) / median(before.fn), 3)
        },
        median_of_paired_ratios: {
          db_cpu: paired((v) => v.db),
          app_cpu: paired((v) => v.app),
          send_path_cpu: paired((v) => v.db.map((db, r) => db + v.app[r])),
          function_alone_cpu: paired((v) => v.fn)
        }
      }
    }
  } finally {
    // The current send, whatever round the run ended in
    await observer.query(WITH_NAMES.send).catch(() => undefined)
    await Promise.all([observer.end(), direct.end()])
    await server.close()
    await dropTestDatabase()
  }
}
