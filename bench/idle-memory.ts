/**
 * Idle memory per authenticated connection: 5,000 Socket.io connections, each
 * authenticated as a person of its own who is in two channels, held open against the
 * service in a process of its own; beside them the same number against a plain
 * Socket.io server (no auth), in the same run: as Socket.io ships, with the handshake
 * request discarded as Socket.io's memory documentation advises, and with it released
 * as the service releases it. Each server's RSS and heap are read after forced
 * collections (--expose-gc) before the connections open and once they have been idle
 * for a heartbeat (what a connection holds just after it opened, such as its last read,
 * goes with its first ping). Clients run in two processes of their own, with raw
 * socket.io-client. The per-address connection budget is lifted through
 * CONNECTIONS_PER_IP_PER_MINUTE.
 *
 *   npm run bench -- --idle-memory [--connections 5000] [--heap-summary]
 *     [--servers raw,raw_request_discarded,raw_request_released,service]
 */
import { fork } from 'child_process'
import type { ChildProcess } from 'child_process'
import path from 'path'
import { createTestDatabase, dropTestDatabase, testDatabaseUrl } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import { sleep } from '../test/helpers/clients'
import { flag, round } from './figures'
import { option } from './options'
import { heapGrowth } from './heap-summary'

const CLIENT_PROCESSES = 2
// Engine.io's pingInterval (25 s) and a margin: every connection has answered one ping
const HEARTBEAT_MS = 30_000

/** What serves the connections: the service, or a plain Socket.io server releasing its handshake requests or not. */
type Server = { raw: false } | { raw: true; release: 'none' | 'documented' | 'service' }

const SERVERS = {
  raw: { raw: true, release: 'none' },
  raw_request_discarded: { raw: true, release: 'documented' },
  raw_request_released: { raw: true, release: 'service' },
  service: { raw: false }
} satisfies Record<string, Server>

/** `--servers raw,service`: which servers to measure (all four unless told). */
function serversToMeasure() {
  const index = process.argv.indexOf('--servers')
  const names = index >= 0 ? process.argv[index + 1].split(',') : Object.keys(SERVERS)
  const unknown = names.filter((name) => !(name in SERVERS))
  if (unknown.length) throw new Error(`--servers: no server named ${unknown.join(', ')}`)
  return names as Array<keyof typeof SERVERS>
}

type Memory = {
  rss: number
  heapTotal: number
  heapUsed: number
  external: number
  arrayBuffers: number
  sockets: number
}

function start(file: string, env: NodeJS.ProcessEnv, execArgv: string[] = []) {
  return fork(path.join(__dirname, file), [], {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
}

function reply<T>(child: ChildProcess, type: string, send?: object, timeoutMs = 300_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${type}' within ${timeoutMs} ms`)), timeoutMs)
    const listen = (message: any) => {
      if (message?.type === 'failed') reject(new Error(message.error))
      if (message?.type !== type && message?.type !== 'failed') return
      clearTimeout(timer)
      child.off('message', listen)
      resolve(message)
    }
    child.on('message', listen)
    if (send) child.send(send)
  })
}

/** People who are each in two channels (worker of one booking, supervisor of the next), and a token for each. */
async function seedPeople(n: number) {
  const server = await startApp()
  try {
    const db = server.app.get('postgresqlClient')
    const ids: number[] = (
      await db.raw(`insert into users (email, name, password)
        select 'idle-' || g || '@example.test', 'Idle ' || g, 'not a password hash' from generate_series(1, ${n}) g returning id`)
    ).rows.map((row: { id: string }) => Number(row.id))
    const [company] = await db('companies').insert({ name: 'Idle company' }).returning('id')
    await db.raw(
      `insert into bookings (borrower_company_id, lender_company_id, worker_id, supervisor_id, status)
       select :company, :company, ids[g], ids[1 + g % :n], 'confirmed' from generate_series(1, :n) g, (select :ids::bigint[] as ids) people`,
      { company: company.id, n, ids }
    )
    await db.raw(`insert into chat_channels (context_type, context_id) select 'booking', id from bookings`)
    await db.raw(`insert into chat_participants (channel_id, user_id, role)
      select c.id, who.user_id, who.role from chat_channels c join bookings b on b.id = c.context_id,
        lateral (values (b.worker_id, 'worker'), (b.supervisor_id, 'supervisor')) who(user_id, role)`)
    const authentication = server.app.service('authentication')
    return Promise.all(
      ids.map((id) => authentication.createAccessToken({ token_version: 0 }, { subject: String(id) }))
    )
  } finally {
    await server.close()
  }
}

/** One server's memory before and after `tokens.length` connections (a null token: no login). */
async function measure(kind: Server, tokens: Array<string | null>, heapSummary: boolean) {
  const server = start(
    'idle-server.ts',
    {
      RAW: kind.raw ? '1' : '0',
      RELEASE: kind.raw ? kind.release : '',
      DATABASE_URL: testDatabaseUrl,
      LOG_LEVEL: 'warn',
      CONNECTIONS_PER_IP_PER_MINUTE: '1000000'
    },
    ['--expose-gc']
  )
  const clients: ChildProcess[] = []
  try {
    const { port } = await reply<{ port: number }>(server, 'listening')
    const env = { URL: `http://127.0.0.1:${port}` }
    // A few connections first, closed again: what the first ones load is not per connection
    const warming = start('idle-clients.ts', env)
    await reply(warming, 'ready')
    await reply(warming, 'opened', { type: 'open', tokens: tokens.slice(0, 20) })
    await new Promise((resolve) => {
      warming.once('exit', resolve)
      warming.send({ type: 'exit' })
    })
    await sleep(1000)
    const before = await reply<Memory>(server, 'mem', { type: 'mem' })
    const snapshot = () =>
      reply<{ path: string }>(server, 'snapshot', { type: 'snapshot' }).then(({ path }) => path)
    const snapshotBefore = heapSummary ? await snapshot() : undefined
    const share = Math.ceil(tokens.length / CLIENT_PROCESSES)
    for (let i = 0; i < CLIENT_PROCESSES; i++) clients.push(start('idle-clients.ts', env))
    await Promise.all(clients.map((client) => reply(client, 'ready')))
    await Promise.all(
      clients.map((client, i) =>
        reply(
          client,
          'opened',
          { type: 'open', tokens: tokens.slice(i * share, (i + 1) * share) },
          // On a loaded machine thousands of logins take minutes: 100 ms a connection at most
          Math.max(300_000, share * 100)
        )
      )
    )
    await sleep(HEARTBEAT_MS)
    const after = await reply<Memory>(server, 'mem', { type: 'mem' })
    const per = (key: keyof Memory) => Math.round((after[key] - before[key]) / tokens.length)
    const heldPerConnection = snapshotBefore
      ? heapGrowth(snapshotBefore, await snapshot(), tokens.length)
      : undefined
    return {
      connections: after.sockets,
      rss_mb: { before: round(before.rss / 2 ** 20, 1), after: round(after.rss / 2 ** 20, 1) },
      heap_mb: { before: round(before.heapUsed / 2 ** 20, 1), after: round(after.heapUsed / 2 ** 20, 1) },
      // heap_reserved: what V8 keeps of its heap after collecting, used or not
      bytes_per_connection: {
        rss: per('rss'),
        heap: per('heapUsed'),
        heap_reserved: per('heapTotal'),
        external: per('external')
      },
      ...(heldPerConnection ? { heap_growth_by_constructor: heldPerConnection } : {})
    }
  } finally {
    for (const client of clients) client.send({ type: 'exit' })
    server.send({ type: 'exit' })
    await sleep(500)
  }
}

export async function idleMemory() {
  const connections = option('connections', 5000)
  await createTestDatabase()
  try {
    const tokens = await seedPeople(connections)
    const anonymous = tokens.map(() => null)
    const measured: Partial<Record<keyof typeof SERVERS, Awaited<ReturnType<typeof measure>>>> = {}
    for (const name of serversToMeasure()) {
      const kind: Server = SERVERS[name]
      measured[name] = await measure(kind, kind.raw ? anonymous : tokens, false)
    }
    const { service, raw, raw_request_released: released } = measured
    const ratio = (to: typeof service, key: 'rss' | 'heap') =>
      service && to ? round(service.bytes_per_connection[key] / to.bytes_per_connection[key], 2) : undefined
    // Snapshots take memory of their own: what the heap holds is read in runs apart from the figures
    const held = flag('heap-summary')
      ? {
          raw: (await measure({ raw: true, release: 'service' }, anonymous, true)).heap_growth_by_constructor,
          service: (await measure({ raw: false }, tokens, true)).heap_growth_by_constructor
        }
      : undefined
    return {
      idle_memory: {
        connections,
        ...measured,
        // Beside the plain server that lets go of what the service lets go of
        ratio: { rss: ratio(released, 'rss'), heap: ratio(released, 'heap') },
        ratio_to_shipped: { rss: ratio(raw, 'rss'), heap: ratio(raw, 'heap') },
        goal_ratio: 1.5
      },
      ...(held ? { heap_growth_by_constructor: held } : {})
    }
  } finally {
    await dropTestDatabase()
  }
}
