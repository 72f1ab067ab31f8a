import assert from 'assert'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io'
import { useServer } from '../helpers/app'
import { waitUntil } from '../helpers/clients'

/**
 * The handshake's repeating strings are shared between connections
 * (src/socketio/shared-handshake-strings.ts). Which copy of a string a connection holds
 * cannot be seen from JavaScript (the heap snapshots of bench/idle-memory.ts count it):
 * what is checked here is that every value still reads as the client sent it.
 */
describe('the strings of a Socket.io handshake', function () {
  this.timeout(30_000)
  const server = useServer()

  it('read as each client sent them, shared or its own', async () => {
    const seen: Socket[] = []
    server.app.io.on('connection', (socket: Socket) => seen.push(socket))
    const open = (userAgent: string, custom: string) =>
      io(server.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        query: { custom },
        extraHeaders: { 'User-Agent': userAgent, 'X-Custom': custom }
      })
    const clients = [open('Browser/1.0', 'first'), open('Browser/1.0', 'second'), open('Other/2.0', 'third')]
    await waitUntil(
      () => seen.length === 3 && clients.every((client) => client.connected),
      'three connections'
    )

    const byCustom = (custom: string) => seen.find((socket) => socket.handshake.query.custom === custom)!
    for (const [custom, userAgent] of [
      ['first', 'Browser/1.0'],
      ['second', 'Browser/1.0'],
      ['third', 'Other/2.0']
    ]) {
      const { headers, query, url, time, issued } = byCustom(custom).handshake
      assert.strictEqual(headers['user-agent'], userAgent)
      assert.strictEqual(headers['x-custom'], custom)
      assert.strictEqual(headers.upgrade, 'websocket')
      assert.strictEqual(headers.host, new URL(server.url).host)
      assert.deepStrictEqual({ ...query }, { custom, EIO: '4', transport: 'websocket' })
      assert.strictEqual(url, `/socket.io/?custom=${custom}&EIO=4&transport=websocket`)
      // Made in the same second as its `issued`, give or take the one between the two reads
      assert.ok(Math.abs(new Date(time).getTime() - Math.floor(issued / 1000) * 1000) <= 1000, time)
      // Feathers' params carry the same headers
      assert.strictEqual((byCustom(custom) as any).feathers.headers, headers)
    }
    const keys = seen.map((socket) => socket.handshake.headers['sec-websocket-key'])
    assert.strictEqual(new Set(keys).size, 3, 'each keeps its own WebSocket key')
    for (const client of clients) client.close()
  })
})
