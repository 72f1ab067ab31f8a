/**
 * The server's event-loop delay while one person floods it, beside the same figures
 * without a flood: pipelined participants.patch, pipelined messages.find, alternating
 * typing, device-token registration. The server runs as its own process with the
 * default limits (config/default.json) but a lifted packet budget, so that the call
 * budgets are what answers, and its event loop is measured alone, through the event-loop
 * figures of its /metrics (reset at each scrape). Part of `npm run bench`; alone:
 *
 *   NODE_ENV=test tsx bench/floods.ts [-- --seconds 5 --pipeline 10000]
 */
import { performance } from 'perf_hooks'
import { createTestDatabase, dropTestDatabase, testDatabaseUrl } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import { buildBooking, openBookingChannel } from '../test/helpers/factories'
import type { TestUser } from '../test/helpers/factories'
import { closeClients, http, recordEvents, sleep, socketClient } from '../test/helpers/clients'
import { freePort, freshGet, killTree, run, nodeWithTsx } from '../test/helpers/processes'
import type { Command } from '../test/helpers/processes'
import type { ClientApplication } from '../src/client'
import { option } from './options'

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN

/** The service as its own process, with the default limits but for `settings` (and the environment's). */
export async function startServer(
  settings: NodeJS.ProcessEnv = {}
): Promise<{ command: Command; url: string }> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const { NODE_ENV: _test, ...environment } = process.env
  const command = run(process.execPath, [...nodeWithTsx, 'src/index.ts'], {
    ...environment,
    ...settings,
    DATABASE_URL: testDatabaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn'
  })
  for (let attempt = 0; attempt < 300; attempt++) {
    if (await freshGet(`${url}/health`).catch(() => 0)) return { command, url }
    await sleep(100)
  }
  killTree(command)
  throw new Error(`the server did not start\n${command.output()}`)
}

/**
 * The server's event-loop delay since the previous scrape (prom-client resets its
 * histogram on each), and the CPU time it has used so far.
 */
export async function serverFigures(url: string) {
  const { text } = await http(url, 'GET', '/metrics')
  const value = (name: string) =>
    Number(
      text
        .split('\n')
        .find((row) => row.startsWith(`${name} `))
        ?.split(' ')
        .pop()
    )
  const ms = (name: string) => +(value(`nodejs_eventloop_lag_${name}_seconds`) * 1000).toFixed(1)
  return {
    delay: { p50_ms: ms('p50'), p99_ms: ms('p99'), max_ms: ms('max') },
    cpuSeconds: value('process_cpu_seconds_total')
  }
}

type Flood = (attacker: ClientApplication, wave: number) => Promise<unknown>[]

interface Phase {
  name: string
  attacker?: TestUser
  flood?: Flood
}

export async function floods() {
  const seconds = option('seconds', 5)
  const pipeline = option('pipeline', 10_000)
  await createTestDatabase()
  const builder = await startApp()
  let server: { command: Command; url: string } | undefined
  try {
    const world = await buildBooking(builder.app)
    const channel = await openBookingChannel(builder.app, world)
    // These floods are of calls, answered 429 past the call budgets: the packet budget would
    // cut the attacker's socket first (bench/socket-flood.ts measures that)
    server = await startServer({ SOCKET_PACKETS_PER_10_SECONDS: '100000000' })
    const { url } = server
    const bystander = await socketClient(url, world.supervisor)
    const viewer = await socketClient(url, world.lenderManager)
    await viewer.service('presence').view({ channel_id: channel.id })
    const typingSeen = recordEvents(viewer, 'presence', 'typing')
    const ownRow = async (client: ClientApplication, who: TestUser) =>
      (await client.service('participants').find({ query: { channel_id: channel.id, user_id: who.id } }))
        .data[0].id

    const pipelined =
      (call: (attacker: ClientApplication, i: number) => Promise<unknown>): Flood =>
      (attacker, wave) =>
        Array.from({ length: pipeline }, (_, i) => call(attacker, wave * pipeline + i))
    const phases: Phase[] = [
      { name: 'no flood' },
      {
        name: 'pipelined participants.patch',
        attacker: world.worker,
        flood: pipelined((attacker, i) =>
          attacker.service('participants').patch(rows.get(attacker)!, { last_read_seq: i })
        )
      },
      {
        name: 'pipelined messages.find',
        attacker: world.borrowerAdmin,
        flood: pipelined((attacker) =>
          attacker.service('messages').find({ query: { channel_id: channel.id } })
        )
      },
      {
        name: 'alternating typing',
        attacker: world.borrowerManager,
        flood: pipelined((attacker, i) =>
          attacker.service('presence').typing({ channel_id: channel.id, typing: i % 2 === 0 })
        )
      },
      {
        name: 'device-token registration',
        attacker: world.lenderAdmin,
        flood: pipelined((attacker, i) =>
          attacker
            .service('device-tokens')
            .create({ token: `bench-${i}-${'x'.repeat(150)}`, platform: 'android' })
        )
      }
    ]
    const rows = new Map<ClientApplication, number>()

    const results = []
    for (const phase of phases) {
      const attacker = phase.attacker ? await socketClient(url, phase.attacker) : undefined
      if (attacker && phase.attacker) rows.set(attacker, await ownRow(attacker, phase.attacker))
      const typingBefore = typingSeen.length
      const logBefore = server.command.output().split('\n').length
      const outcomes = { answered: 0, refused_429: 0, other_errors: 0 }
      const tally = (work: Promise<unknown>) =>
        work.then(
          () => outcomes.answered++,
          (error) => (error?.code === 429 ? outcomes.refused_429++ : outcomes.other_errors++)
        )
      let stop = false
      const before = await serverFigures(url)
      const started = performance.now()
      const flooding = (async () => {
        for (let wave = 0; attacker && phase.flood && !stop; wave++)
          await Promise.all(phase.flood(attacker, wave).map(tally))
      })()
      const bystanderMs: number[] = []
      const bystanderErrors: number[] = []
      while (performance.now() - started < seconds * 1000) {
        const t0 = performance.now()
        const outcome = await bystander
          .service('messages')
          .find({ query: { channel_id: channel.id } })
          .catch((error) => error)
        bystanderMs.push(performance.now() - t0)
        if (outcome?.code) bystanderErrors.push(outcome.code)
        await sleep(20)
      }
      const during = await serverFigures(url)
      const elapsed = performance.now() - started
      stop = true
      await flooding
      const tokens = phase.attacker
        ? await builder.app
            .get('postgresqlClient')('device_tokens')
            .where({ user_id: phase.attacker.id })
            .count({ n: '*' })
        : []
      results.push({
        flood: phase.name,
        event_loop_delay: during.delay,
        server_cpu_pct: Math.round(((during.cpuSeconds - before.cpuSeconds) * 100_000) / elapsed),
        bystander_find_p50_ms: +median(bystanderMs).toFixed(1),
        bystander_errors: bystanderErrors,
        ...(attacker ? { attacker_calls: outcomes } : {}),
        ...(phase.name.includes('typing')
          ? { typing_events_to_viewer: typingSeen.length - typingBefore }
          : {}),
        ...(phase.name.includes('device') ? { attacker_device_tokens: Number(tokens[0]?.n) } : {}),
        server_log_lines: server.command.output().split('\n').length - logBefore
      })
      ;(attacker?.io as any)?.close()
      await sleep(500)
    }
    console.log(JSON.stringify({ floods: { seconds_each: seconds, pipeline, results } }, null, 2))
  } finally {
    closeClients()
    killTree(server?.command)
    await builder.close()
    await dropTestDatabase()
  }
}

if (require.main === module) {
  floods().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
