import assert from 'assert'
import { Manager, io } from 'socket.io-client'
import type { Socket } from 'socket.io'
import { useServer } from '../helpers/app'
import { buildUser } from '../helpers/factories'
import { socketClient, socketOf, waitUntil } from '../helpers/clients'
import {
  FEWEST_PACKETS_PER_WINDOW,
  defaultPacketsPerWindow,
  packetsPerWindow
} from '../../src/socketio/packet-budget'

const BUDGET = 50
// Joining the namespace was the connection's first packet
const EVENTS_IN_BUDGET = BUDGET - 1
const FLOOD = 2000
// socket.io-parser's PacketType.ACK: the packet that answers an event
const ACK = 3

/** The reasons a client's socket gave for disconnecting, as they come. */
function disconnections(socket: { on(event: 'disconnect', listener: (reason: string) => void): unknown }) {
  const reasons: string[] = []
  socket.on('disconnect', (reason) => reasons.push(reason))
  return reasons
}

describe('the per-connection packet budget', function () {
  this.timeout(60_000)
  const server = useServer({ connections: { packets_per_10_seconds: BUDGET } })
  // The events that get past the budget on each server-side connection: counted by a
  // middleware put first (the next ones answer without passing on)
  const handled = new Map<string, number>()
  // The answers the server makes on each, written or not (a cut connection writes none)
  const answered = new Map<string, number>()
  // The `find` calls that reach Feathers' listener
  const dispatched = new Map<string, number>()
  const countIn = (counts: Map<string, number>, id: string) => counts.set(id, (counts.get(id) ?? 0) + 1)
  before(() => {
    server.app.io.on('connection', (socket: Socket) => {
      ;(socket as any).fns.unshift(
        (_packet: unknown, next: () => void) => (countIn(handled, socket.id), next())
      )
      ;(socket as any).prependListener('find', () => countIn(dispatched, socket.id))
      const packet = (socket as any).packet.bind(socket)
      ;(socket as any).packet = (sent: { type: number }, options: unknown) => {
        if (sent.type === ACK) countIn(answered, socket.id)
        return packet(sent, options)
      }
    })
  })

  async function flood(event: string, ...args: unknown[]) {
    const flooder = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false })
    await new Promise<void>((resolve) => flooder.on('connect', () => resolve()))
    const id = flooder.id!
    const reasons = disconnections(flooder)
    const answers: any[] = []
    for (let i = 0; i < FLOOD; i++) flooder.emit(event, ...args, (answer: unknown) => answers.push(answer))
    await waitUntil(() => reasons.length > 0, 'the flooding socket is cut off', 10_000)
    // Packets read before the cut are still being worked through
    await new Promise((resolve) => setTimeout(resolve, 200))
    const counted = (counts: Map<string, number>) => counts.get(id) ?? 0
    return {
      reasons,
      handled: counted(handled),
      answered: counted(answered),
      dispatched: counted(dispatched),
      answers
    }
  }

  it('cuts off a socket that floods unknown events at its budget; what is past it reaches no handler and gets no 405', async () => {
    const { reasons, handled, answered, answers } = await flood('no-such-event', { hello: 'there' })
    assert.deepStrictEqual(reasons, ['transport close'])
    assert.strictEqual(handled, EVENTS_IN_BUDGET, `${handled} of ${FLOOD} packets reached a handler`)
    assert.strictEqual(answered, EVENTS_IN_BUDGET, `${answered} answers to ${FLOOD} unknown events`)
    // (Those queued when the connection was cut never leave)
    assert.ok(
      answers.every((answer) => answer.code === 405),
      JSON.stringify(answers.slice(0, 3))
    )
    const metrics = await fetch(`${server.url}/metrics`).then((response) => response.text())
    assert.match(metrics, /chat_socket_packet_budget_cuts_total [1-9]/)
  })

  it('counts calls of real methods too, and leaves other people’s connections alone', async () => {
    const bystander = await socketClient(server.url, await buildUser(server.app))
    const { reasons, handled, dispatched } = await flood('find', 'channels', {})
    assert.deepStrictEqual(reasons, ['transport close'])
    assert.strictEqual(handled, EVENTS_IN_BUDGET)
    // (Fewer, when the cut comes before the calls let through are handed on)
    assert.ok(dispatched <= EVENTS_IN_BUDGET, `${dispatched} of ${FLOOD} calls reached Feathers`)
    assert.strictEqual(
      (await bystander.service('channels').find({ query: { $limit: 1 } })).limit,
      1,
      'another person is still served'
    )
  })

  it('counts requests to join namespaces too, which Socket.io answers before any middleware', async () => {
    const manager = new Manager(server.url, { transports: ['websocket'], reconnection: false })
    const main = manager.socket('/')
    await new Promise<void>((resolve) => main.connect().once('connect', () => resolve()))
    const reasons = disconnections(main)
    let refusals = 0
    for (let i = 0; i < FLOOD; i++) {
      manager
        .socket(`/no-such-namespace-${i}`)
        .once('connect_error', () => refusals++)
        .connect()
    }
    await waitUntil(() => reasons.length > 0, 'the flooding connection is cut off', 10_000)
    assert.deepStrictEqual(reasons, ['transport close'])
    assert.ok(refusals < BUDGET, `${refusals} of ${FLOOD} answered`)
  })

  it('starts a new window after ten seconds of quiet', async () => {
    // A well-behaved client spreads its packets: 40 now and 40 in the next window is never cut
    const client = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false })
    await new Promise<void>((resolve) => client.on('connect', () => resolve()))
    const reasons = disconnections(client)
    const burst = () =>
      Promise.all(
        Array.from({ length: 40 }, () => new Promise((resolve) => client.emit('no-such-event', resolve)))
      )
    await burst()
    await new Promise((resolve) => setTimeout(resolve, 10_100))
    await burst()
    assert.deepStrictEqual(reasons, [])
    assert.strictEqual(handled.get(client.id!), 80)
    client.close()
  })
})

describe('the default packet budget', function () {
  const CALLS_PER_MINUTE = 20
  const server = useServer({ limits: { calls_per_minute: CALLS_PER_MINUTE } })

  it('is ten seconds of the call budget and half again: 300 with the default settings', () => {
    assert.strictEqual(defaultPacketsPerWindow(1200), 300)
  })

  it('is never below what the app’s own clients need: past a low call budget they get 429s, not a cut', async () => {
    assert.strictEqual(packetsPerWindow(server.app), FEWEST_PACKETS_PER_WINDOW)
    const client = await socketClient(server.url, await buildUser(server.app))
    const reasons = disconnections(socketOf(client))
    // Joining the namespace and logging in were the first two packets
    const burst = Array.from({ length: FEWEST_PACKETS_PER_WINDOW - 2 }, () =>
      client.service('channels').find({})
    )
    const codes = (await Promise.allSettled(burst)).map((outcome) =>
      outcome.status === 'fulfilled' ? 200 : outcome.reason.code
    )
    assert.deepStrictEqual([...new Set(codes)].sort(), [200, 429], 'the call budget answered the burst')
    assert.deepStrictEqual(reasons, [], 'a client is not cut within its packet budget')

    client
      .service('channels')
      .find({})
      .catch(() => undefined)
    await waitUntil(() => reasons.length > 0, 'the packet past the budget cuts the connection')
    assert.deepStrictEqual(reasons, ['transport close'])
  })
})

describe('the per-connection packet budget behind a balancer', function () {
  this.timeout(30_000)
  // Addresses come from X-Forwarded-For, read when the connection opens
  const server = useServer({ connections: { packets_per_10_seconds: BUDGET, trust_proxy: true } })

  it('cuts a flooder off and goes on serving everyone else', async () => {
    const flooder = io(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { 'X-Forwarded-For': '198.51.100.77' }
    })
    await new Promise<void>((resolve) => flooder.on('connect', () => resolve()))
    const reasons = disconnections(flooder)
    for (let i = 0; i < FLOOD; i++) flooder.emit('no-such-event', () => undefined)
    await waitUntil(() => reasons.length > 0, 'the flooder is cut off', 10_000)
    assert.deepStrictEqual(reasons, ['transport close'])
    assert.strictEqual((await fetch(`${server.url}/health`)).status, 200)
  })
})
