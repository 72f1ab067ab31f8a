import assert from 'assert'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io'
import { useServer } from '../helpers/app'
import { buildUser } from '../helpers/factories'
import { socketClient, waitUntil } from '../helpers/clients'

const BUDGET = 50
const FLOOD = 2000

describe('the per-connection packet budget', function () {
  this.timeout(60_000)
  const server = useServer({
    connections: { per_ip_per_minute: 1000, trust_proxy: false, max_buffered_packets: 1000, max_delivery_lag_ms: 5000, packets_per_10_seconds: BUDGET }
  })
  // What gets past the budget on each server-side connection: counted by a middleware put
  // right after the budget, the connection's first (the next ones answer without passing on)
  const handled = new Map<string, number>()
  before(() => {
    server.app.io.on('connection', (socket: Socket) => {
      const middlewares = (socket as any).fns as unknown[]
      assert.ok(middlewares.length >= 1, 'the budget is in place when the connection is announced')
      middlewares.splice(1, 0, (_packet: unknown, next: () => void) => (handled.set(socket.id, (handled.get(socket.id) ?? 0) + 1), next()))
    })
  })

  async function flood(event: string, ...args: unknown[]) {
    const flooder = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false })
    await new Promise<void>((resolve) => flooder.on('connect', () => resolve()))
    const id = flooder.id!
    const reasons: string[] = []
    flooder.on('disconnect', (reason) => reasons.push(reason))
    for (let i = 0; i < FLOOD; i++) flooder.emit(event, ...args, () => undefined)
    await waitUntil(() => reasons.length > 0, 'the flooding socket is cut off', 10_000)
    return { reasons, handled: handled.get(id) ?? 0 }
  }

  it('cuts off a socket that floods unknown events at its budget; what is past it reaches no handler', async () => {
    const { reasons, handled } = await flood('no-such-event', { hello: 'there' })
    assert.deepStrictEqual(reasons, ['transport close'])
    assert.strictEqual(handled, BUDGET, `${handled} of ${FLOOD} packets reached a handler`)
    const metrics = await fetch(`${server.url}/metrics`).then((response) => response.text())
    assert.match(metrics, /chat_socket_slow_consumers_dropped_total\{reason="packet budget"\} [1-9]/)
  })

  it('counts calls of real methods too, and leaves other people’s connections alone', async () => {
    const bystander = await socketClient(server.url, await buildUser(server.app))
    const { reasons, handled } = await flood('find', 'channels', {})
    assert.deepStrictEqual(reasons, ['transport close'])
    assert.strictEqual(handled, BUDGET)
    assert.strictEqual((await bystander.service('channels').find({ query: { $limit: 1 } })).limit, 1, 'another person is still served')
  })

  it('starts a new window after ten seconds of quiet', async () => {
    // A well-behaved client spreads its packets: 40 now and 40 in the next window is never cut
    const client = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false })
    await new Promise<void>((resolve) => client.on('connect', () => resolve()))
    const reasons: string[] = []
    client.on('disconnect', (reason) => reasons.push(reason))
    const burst = () => Promise.all(Array.from({ length: 40 }, () => new Promise((resolve) => client.emit('no-such-event', resolve))))
    await burst()
    await new Promise((resolve) => setTimeout(resolve, 10_100))
    await burst()
    assert.deepStrictEqual(reasons, [])
    assert.strictEqual(handled.get(client.id!), 80)
    client.close()
  })
})
