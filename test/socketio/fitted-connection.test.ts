import assert from 'assert'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io'
import { useServer } from '../helpers/app'
import { waitUntil } from '../helpers/clients'
import { MapUntilUsed } from '../../src/socketio/map-until-used'

// Socket.io's table of the answers a connection awaits, which it keeps unexported
const awaitedOf = (socket: Socket): Map<number, unknown> => (socket as any).acks

describe('what an admitted Socket.io connection allocates only when used', function () {
  this.timeout(30_000)
  const server = useServer()

  it('holds no table of awaited answers until it sends with an acknowledgement, and then hears the answers', async () => {
    const seen: Socket[] = []
    server.app.io.on('connection', (socket: Socket) => seen.push(socket))
    const client = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false })
    client.on('question', (n: number, answer: (reply: number) => void) => answer(n * 2))
    client.on('unanswered', () => {})
    await waitUntil(() => client.connected && seen.length === 1, 'connected')
    const [socket] = seen

    assert.ok(awaitedOf(socket) instanceof MapUntilUsed, 'no Map of its own while idle')
    assert.strictEqual(awaitedOf(socket).size, 0)
    const answers = await Promise.all([1, 2, 3].map((n) => socket.timeout(5000).emitWithAck('question', n)))
    assert.deepStrictEqual(answers, [2, 4, 6])
    assert.strictEqual(awaitedOf(socket).size, 0, 'each answer taken off')
    // An answer that never comes times out and is taken off too
    await assert.rejects(socket.timeout(100).emitWithAck('unanswered'), /operation has timed out/)
    assert.strictEqual(awaitedOf(socket).size, 0)
    client.close()
  })

  it('reads as a Map does, empty and with entries', () => {
    const map = new MapUntilUsed<number, string>()
    assert.deepStrictEqual(
      [map.size, map.get(1), map.has(1), map.delete(1), [...map]],
      [0, undefined, false, false, []]
    )
    assert.strictEqual(map.set(1, 'one').set(2, 'two'), map)
    const seen: unknown[] = []
    map.forEach(function (this: unknown, value, key, owner) {
      seen.push([key, value, owner === map, this])
    }, 'this')
    assert.deepStrictEqual(seen, [
      [1, 'one', true, 'this'],
      [2, 'two', true, 'this']
    ])
    assert.deepStrictEqual(
      [[...map.keys()], [...map.values()], [...map.entries()]],
      [
        [1, 2],
        ['one', 'two'],
        [
          [1, 'one'],
          [2, 'two']
        ]
      ]
    )
    // Deleting while iterating, as a Map: what is gone is not visited
    for (const [key] of map) map.delete(key === 1 ? 2 : 1)
    assert.deepStrictEqual([map.size, map.get(1), map.has(2)], [1, 'one', false])
    map.set(3, 'three').clear()
    assert.strictEqual(map.size, 0)
    assert.strictEqual(Object.prototype.toString.call(map), '[object Map]')
  })
})
