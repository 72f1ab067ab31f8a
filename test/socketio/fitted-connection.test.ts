import assert from 'assert'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io'
import { useServer } from '../helpers/app'
import { waitUntil } from '../helpers/clients'
import { SmallMap } from '../../src/socketio/small-map'

// Socket.io's maps of a connection, which it keeps unexported: the answers it awaits, and
// its client's sockets by id and by namespace
const awaitedOf = (socket: Socket): Map<number, unknown> => (socket as any).acks
const clientMapsOf = (socket: Socket): Map<string, Socket>[] => [
  (socket as any).client.sockets,
  (socket as any).client.nsps
]

describe('the maps of an admitted Socket.io connection', function () {
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

    assert.ok(awaitedOf(socket) instanceof SmallMap, 'no table of its own while idle')
    assert.strictEqual(awaitedOf(socket).size, 0)
    for (const map of clientMapsOf(socket)) {
      assert.ok(map instanceof SmallMap)
      assert.deepStrictEqual([...map.values()], [socket])
    }
    const answers = await Promise.all([1, 2, 3].map((n) => socket.timeout(5000).emitWithAck('question', n)))
    assert.deepStrictEqual(answers, [2, 4, 6])
    assert.strictEqual(awaitedOf(socket).size, 0, 'each answer taken off')
    // An answer that never comes times out and is taken off too
    await assert.rejects(socket.timeout(100).emitWithAck('unanswered'), /operation has timed out/)
    assert.strictEqual(awaitedOf(socket).size, 0)
    // Its client closes: the socket leaves its client's maps, as Socket.io's own maps
    client.close()
    await waitUntil(() => socket.disconnected, 'disconnected')
    assert.deepStrictEqual(
      clientMapsOf(socket).map((map) => map.size),
      [0, 0]
    )
  })

  it('reads as a Map does, empty, with one entry and with more', () => {
    const one = new SmallMap<number, string>([[-0, 'zero']])
    assert.deepStrictEqual(
      [one.size, one.get(0), one.has(-0), Object.is([...one.keys()][0], 0)],
      [1, 'zero', true, true]
    )
    assert.strictEqual(one.set(0, 'again').get(-0), 'again')
    assert.deepStrictEqual([one.delete(1), one.delete(0), one.size], [false, true, 0])
    assert.strictEqual(new SmallMap([[NaN, 'nan']]).get(NaN), 'nan')

    const map = new SmallMap<number, string>()
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
