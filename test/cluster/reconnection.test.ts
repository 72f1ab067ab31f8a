import assert from 'assert'
import type { Message } from '../../src/client'
import { useTwoInstancesWithChannel } from '../helpers/fixtures'
import { reconnectingClient, socketClient, waitUntil } from '../helpers/clients'

describe('reconnection and gap fill', function () {
  this.timeout(60_000)
  const { a, b, scene } = useTwoInstancesWithChannel()

  it('holds all 100 messages exactly once, in seq order, after its socket dropped mid-stream', async () => {
    const { client: receiver, socket } = await reconnectingClient(b.url, scene.world.supervisor)
    const sender = await socketClient(a.url, scene.world.worker)

    const live: Message[] = []
    receiver.service('messages').on('created', (message: Message) => live.push(message))
    let reauthenticated = 0
    receiver.on('login', () => reauthenticated++)

    let dropped = false
    for (let i = 1; i <= 100; i++) {
      await sender
        .service('messages')
        .create({ channel_id: scene.channelId, content: `message ${i}`, client_id: `c${i}` })
      if (i === 30) {
        // The network goes away under the receiver: the transport closes, Socket.io reconnects
        socket.io.engine.close()
        dropped = true
      }
    }
    assert.ok(dropped)
    await waitUntil(() => socket.connected && reauthenticated > 0, 'reconnected and re-authenticated', 15_000)

    // Fill the gap from the last contiguous seq seen live, page by page
    const bySeq = new Map(live.map((message) => [message.seq, message]))
    let last = 0
    while (bySeq.has(last + 1)) last++
    for (;;) {
      const page = await receiver
        .service('messages')
        .find({ query: { channel_id: scene.channelId, seq: { $gt: last }, $sort: { seq: 1 }, $limit: 50 } })
      page.data.forEach((message) => bySeq.set(message.seq, message))
      if (page.data.length < 50) break
      last = page.data[page.data.length - 1].seq
    }

    const seqs = [...bySeq.keys()].sort((x, y) => x - y)
    assert.deepStrictEqual(
      seqs,
      Array.from({ length: 100 }, (_, i) => i + 1)
    )
    assert.deepStrictEqual(
      seqs.map((seq) => bySeq.get(seq)!.content),
      Array.from({ length: 100 }, (_, i) => `message ${i + 1}`)
    )
    const liveSeqs = live.map((message) => message.seq)
    assert.strictEqual(new Set(liveSeqs).size, liveSeqs.length, 'no message was delivered live twice')
    assert.ok(live.length < 100, 'the drop really lost live messages, which the gap fill recovered')
    socket.close()
  })
})
