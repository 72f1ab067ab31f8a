import assert from 'assert'
import type { IncomingMessage } from 'http'
import v8 from 'v8'
import vm from 'vm'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io'
import { useServer } from '../helpers/app'
import { buildUser } from '../helpers/factories'
import { login, socketClient, waitUntil } from '../helpers/clients'

// A full collection from inside the test run: mocha runs without --expose-gc
v8.setFlagsFromString('--expose-gc')
const collectGarbage = vm.runInNewContext('gc') as () => void

describe('the handshake request of a Socket.io connection', function () {
  this.timeout(30_000)
  const server = useServer()
  const requests: WeakRef<IncomingMessage>[] = []
  const connected: Socket[] = []
  before(() => {
    server.app.io.engine.use(
      (req: IncomingMessage, _res: unknown, next: () => void) => (requests.push(new WeakRef(req)), next())
    )
    server.app.io.on('connection', (socket: Socket) => connected.push(socket))
  })

  async function collected() {
    for (let attempt = 0; attempt < 5; attempt++) {
      collectGarbage()
      if (requests.every((request) => request.deref() === undefined)) return true
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return false
  }

  it('is let go once the connection is announced, while the connection stays open and serves calls', async () => {
    const person = await buildUser(server.app)
    const token = await login(server.url, person)
    // Authenticated by its handshake header (read from the request) and over WebSocket,
    // where engine.io's stand-in response holds the request until the socket closes
    const byHeader = io(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { Authorization: token }
    })
    // Long-polling first, then upgraded
    const polling = io(server.url, {
      transports: ['polling', 'websocket'],
      forceNew: true,
      reconnection: false
    })
    const loggedIn = await socketClient(server.url, person)
    await waitUntil(
      () => byHeader.connected && polling.connected && connected.length >= 3,
      'three connections'
    )
    await waitUntil(() => polling.io.engine.transport.name === 'websocket', 'the polling client upgraded')

    assert.ok(requests.length >= 3, `${requests.length} handshake requests seen`)
    assert.ok(
      await collected(),
      `${requests.filter((request) => request.deref()).length} of ${requests.length} handshake requests still held`
    )
    assert.ok(
      connected.every((socket) => socket.connected && socket.handshake.headers.host),
      'open, with the handshake’s headers copied'
    )
    // What is read of the request's socket is one object for every plain connection
    const standIns = connected.map((socket) => (socket.conn as any).request)
    assert.ok(
      standIns.every(
        (request) => request.socket === standIns[0].socket && request.connection === request.socket
      ),
      'one stand-in for the request’s socket'
    )
    assert.deepStrictEqual({ ...standIns[0].socket }, { encrypted: false })
    assert.ok(connected.every((socket) => socket.handshake.secure === false))
    assert.strictEqual(
      (connected[0] as any).feathers.user?.id,
      person.id,
      'the header authenticated the first connection'
    )
    assert.ok(
      connected.every((socket) => (socket as any).feathers.address),
      'every connection keeps its address for its calls'
    )
    const page = await loggedIn.service('channels').find({ query: { $limit: 1 } })
    assert.strictEqual(page.limit, 1, 'calls are served')
    byHeader.close()
    polling.close()
  })

  describe('behind a balancer', () => {
    const proxied = useServer({
      connections: {
        per_ip_per_minute: 1000,
        trust_proxy: true,
        max_buffered_packets: 1000,
        max_delivery_lag_ms: 5000
      }
    })

    it('keeps what a later handshake on the same connection reads: its forwarded address and headers', async () => {
      const client = io(proxied.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        extraHeaders: { 'X-Forwarded-For': '198.51.100.23' }
      })
      const seen: Socket[] = []
      proxied.app.io.on('connection', (socket: Socket) => seen.push(socket))
      await waitUntil(() => client.connected && seen.length === 1, 'connected')
      // The client leaves the namespace and joins it again on the connection it has
      // (DISCONNECT and CONNECT packets of its own, as any client may send)
      const engine = client.io.engine as unknown as { send(data: string): void }
      engine.send('1')
      await waitUntil(() => !seen[0].connected, 'the first handshake’s socket left')
      engine.send('0')
      await waitUntil(() => seen.length === 2, 'the second handshake is served')
      const addresses = seen.map((socket) => (socket as any).feathers.address)
      assert.deepStrictEqual(addresses, ['198.51.100.23', '198.51.100.23'])
      assert.strictEqual(seen[1].handshake.headers['x-forwarded-for'], '198.51.100.23')
      client.close()
    })
  })
})
