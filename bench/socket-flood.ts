/**
 * One Socket.io connection that never logs in floods the server with packets while a
 * logged-in person makes a REST call every 50 ms: that person's latency, the server's
 * CPU, how many answers the flooder got back and whether it was cut off (the server
 * handles at most the budget of packets on a connection; the answers still queued when it
 * cuts one never leave). Phases: no flood; unknown events; requests to join a namespace
 * that does not exist; a known method (`channels.find`); the same method from a flooder
 * that reconnects as soon as it is cut (the per-address connection budget is then what
 * holds it). The server runs as its own
 * process with the default limits (config/default.json), the flooder in another, so that
 * neither the flood nor the person's timing shares an event loop with the server.
 *
 *   npm run bench -- --socket-flood [--seconds 10]
 *   SOCKET_PACKETS_PER_10_SECONDS=100000000 npm run bench -- --socket-flood   # budget off
 */
import { performance } from 'perf_hooks'
import { io } from 'socket.io-client'
import type { Socket as ClientSocket } from 'socket.io-client'
import { createTestDatabase, dropTestDatabase } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import { buildBooking, openBookingChannel } from '../test/helpers/factories'
import { http, login, sleep } from '../test/helpers/clients'
import { killTree, run, nodeWithTsx } from '../test/helpers/processes'
import { serverFigures, startServer } from './floods'
import { option } from './options'
import { spread } from './figures'

interface FloodPlan {
  url: string
  seconds: number
  /** An event and its arguments, sent asking for an answer; or a namespace to ask to join. */
  event?: [string, ...unknown[]]
  namespace?: string
  reconnect: boolean
}

interface Phase {
  name: string
  flood?: Omit<FloodPlan, 'url' | 'seconds'>
}

const phases: Phase[] = [
  { name: 'no flood' },
  { name: 'unknown events', flood: { event: ['no-such-event', {}], reconnect: false } },
  {
    name: 'joins of a namespace that does not exist',
    flood: { namespace: '/no-such-namespace', reconnect: false }
  },
  { name: 'channels.find', flood: { event: ['find', 'channels', {}], reconnect: false } },
  {
    name: 'channels.find, reconnecting when cut',
    flood: { event: ['find', 'channels', {}], reconnect: true }
  }
]

// Packets sent between turns of the flooder's event loop, and the unsent bytes at which it
// waits: the pace of a client that writes as fast as the server reads
const BATCH = 500
const MAX_UNSENT_BYTES = 1 << 20

type Tally = ReturnType<typeof newTally>
const newTally = () => ({
  sent: 0,
  answers_received: 0,
  connections: 0,
  refused_connections: 0,
  cut: [] as string[],
  first_cut_after_ms: null as number | null
})

/** A new connection, or none when the server refuses it (the per-address connection budget). */
async function connect(url: string) {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  const admitted = await new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true))
    socket.once('connect_error', () => resolve(false))
  })
  if (admitted) return socket
  socket.close()
}

/** Floods one connection until it is cut or time is up; says why it ended, if it was cut. */
async function floodOne(socket: ClientSocket, plan: FloodPlan, tally: Tally, timeLeft: () => boolean) {
  const answer = () => tally.answers_received++
  // Asking again to join a namespace the server refused sends another request
  const joiner = plan.namespace ? socket.io.socket(plan.namespace).on('connect_error', answer) : undefined
  const send = joiner ? () => joiner.connect() : () => socket.emit(...plan.event!, answer)
  let reason: string | undefined
  socket.once('disconnect', (why) => (reason = why))
  const unsent = () => (socket.io.engine.transport as any).ws?.bufferedAmount ?? 0
  while (!reason && timeLeft()) {
    for (let i = 0; i < BATCH; i++) send()
    tally.sent += BATCH
    await new Promise((resolve) => setImmediate(resolve))
    while (!reason && unsent() > MAX_UNSENT_BYTES) await sleep(1)
  }
  // Answers to what was sent last are still on their way
  if (!reason) await sleep(500)
  return reason
}

/** In the flooder's process: one connection after another (when asked to reconnect) until time is up. */
async function flood(plan: FloodPlan) {
  const tally = newTally()
  const started = performance.now()
  const timeLeft = () => performance.now() - started < plan.seconds * 1000
  do {
    const socket = await connect(plan.url)
    if (!socket) {
      tally.refused_connections++
      await sleep(100)
      continue
    }
    tally.connections++
    const reason = await floodOne(socket, plan, tally, timeLeft)
    if (reason) {
      tally.cut.push(reason)
      tally.first_cut_after_ms ??= Math.round(performance.now() - started)
    }
    socket.close()
  } while (plan.reconnect && timeLeft())
  return {
    ...tally,
    cut: [...new Set(tally.cut)].map((why) => `${why} ×${tally.cut.filter((cut) => cut === why).length}`)
  }
}

/** Runs `flood` in a process of its own; resolves once it floods, with what it reports at the end. */
async function startFlooder(plan: FloodPlan) {
  const command = run(
    process.execPath,
    [...nodeWithTsx, __filename, '--flooder', JSON.stringify(plan)],
    process.env
  )
  while (!command.output().includes('flooding')) {
    if (command.child.exitCode !== null) throw new Error(`the flooder ended:\n${command.output()}`)
    await sleep(20)
  }
  return {
    report: async () => {
      await command.exited
      return JSON.parse(command.output().trim().split('\n').pop()!)
    },
    stop: () => killTree(command)
  }
}

const metric = (text: string, name: string) =>
  Number(
    text
      .split('\n')
      .find((row) => row.startsWith(`${name} `))
      ?.split(' ')
      .pop() ?? 0
  )

export async function socketFlood() {
  const seconds = option('seconds', 10)
  await createTestDatabase()
  const builder = await startApp()
  let server: Awaited<ReturnType<typeof startServer>> | undefined
  let flooder: Awaited<ReturnType<typeof startFlooder>> | undefined
  try {
    const world = await buildBooking(builder.app)
    const channel = await openBookingChannel(builder.app, world)
    server = await startServer()
    const { url } = server
    const token = await login(url, world.supervisor)
    const cuts = async () =>
      metric((await http(url, 'GET', '/metrics')).text, 'chat_socket_packet_budget_cuts_total')

    const results = []
    for (const phase of phases) {
      const cutsBefore = await cuts()
      const before = await serverFigures(url)
      flooder = phase.flood ? await startFlooder({ url, seconds, ...phase.flood }) : undefined
      const started = performance.now()
      const bystander: number[] = []
      const errors: number[] = []
      while (performance.now() - started < seconds * 1000) {
        const t0 = performance.now()
        const { status } = await http(url, 'GET', `/messages?channel_id=${channel.id}`, { token })
        bystander.push(performance.now() - t0)
        if (status !== 200) errors.push(status)
        await sleep(50)
      }
      const during = await serverFigures(url)
      const elapsed = performance.now() - started
      results.push({
        flood: phase.name,
        bystander_rest_calls: bystander.length,
        bystander_rest: spread(bystander),
        bystander_errors: errors,
        server_cpu_pct: Math.round(((during.cpuSeconds - before.cpuSeconds) * 100_000) / elapsed),
        event_loop_delay: during.delay,
        ...(flooder
          ? { flooder: await flooder.report(), packet_budget_cuts: (await cuts()) - cutsBefore }
          : {})
      })
      await sleep(500)
    }
    return {
      socket_flood: {
        seconds_each: seconds,
        packets_per_10_seconds: process.env.SOCKET_PACKETS_PER_10_SECONDS ?? 'default',
        results
      }
    }
  } finally {
    flooder?.stop()
    killTree(server?.command)
    await builder.close()
    await dropTestDatabase()
  }
}

if (require.main === module && process.argv.includes('--flooder')) {
  const plan: FloodPlan = JSON.parse(process.argv[process.argv.indexOf('--flooder') + 1])
  console.log('flooding')
  flood(plan).then(
    (tally) => (console.log(JSON.stringify(tally)), process.exit(0)),
    (error) => (console.error(error), process.exit(1))
  )
}
