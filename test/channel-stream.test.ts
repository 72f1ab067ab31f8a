import assert from 'assert'
import type { Server } from 'socket.io'
import { openChannelStream } from '../src/client'
import type { ChannelStreamOptions, ClientApplication, Message } from '../src/client'
import { userRoom } from '../src/modules/messaging/live/rooms'
import { useServer } from './helpers/app'
import { reconnectingClient, sleep, waitUntil } from './helpers/clients'
import { bookingChannelWithClients } from './helpers/fixtures'
import type { TestUser } from './helpers/factories'
import { QUIET_MS } from './helpers/assertions'

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('the client channel stream', function () {
  this.timeout(30_000)
  const server = useServer()

  /** A booking channel, its worker to send, and the supervisor's stream of it with what it handed out. */
  async function streamOfSupervisor(options: Partial<ChannelStreamOptions> = {}) {
    const world = await bookingChannelWithClients(server, { connected: ['worker', 'supervisor'] })
    const handed: Message[] = []
    const removed: Message[] = []
    const stream = openChannelStream(world.clients.supervisor, world.channelId, {
      onMessage: (message) => handed.push(message),
      onRemoved: (tombstone) => removed.push(tombstone),
      ...options
    })
    const seqs = () => handed.map((message) => message.seq)
    return { ...world, stream, handed, removed, seqs }
  }

  const send = (client: ClientApplication, channel_id: number, content: string) =>
    client.service('messages').create({ channel_id, content })

  /** A message stored without its live event, as if the event were late or lost on the way. */
  const storeSilently = (channel_id: number, sender: TestUser, content: string) =>
    server.app
      .service('messages')
      .create({ channel_id, content }, { user: sender, alreadyExisted: true } as any)

  /** A live event sent by the server itself to one person's connections, in the order a test chooses. */
  const deliver = (to: TestUser, message: Message) =>
    ((server.app as any).io as Server)
      .to(userRoom(to.id))
      .emit('messages created', JSON.parse(JSON.stringify(message)))

  it('hands out the history after fromSeq, then live messages, in seq order', async () => {
    const world = await bookingChannelWithClients(server, { connected: ['worker', 'supervisor'] })
    for (const content of ['one', 'two', 'three']) await send(world.clients.worker, world.channelId, content)
    const handed: Message[] = []
    const stream = openChannelStream(world.clients.supervisor, world.channelId, {
      fromSeq: 1,
      onMessage: (m) => handed.push(m)
    })
    await waitUntil(() => handed.length === 2, 'the history after seq 1')
    await send(world.clients.worker, world.channelId, 'four')
    await waitUntil(() => handed.length === 3, 'the live message')
    assert.deepStrictEqual(
      handed.map((m) => [m.seq, m.content]),
      [
        [2, 'two'],
        [3, 'three'],
        [4, 'four']
      ]
    )
    assert.strictEqual(stream.lastSeq, 4)
    stream.close()
  })

  it('re-sorts live events that arrive out of order and drops repeats, without waiting for a fetch', async () => {
    const { channelId, worker, supervisor, seqs, stream } = await streamOfSupervisor({ gapMs: 60_000 })
    await sleep(QUIET_MS) // the opening fetch found nothing
    const stored = []
    for (const content of ['a', 'b', 'c', 'd']) stored.push(await storeSilently(channelId, worker, content))
    for (const index of [1, 0, 0, 3, 2, 1, 3]) deliver(supervisor, stored[index])
    await waitUntil(() => seqs().length === 4, 'four messages handed out')
    await sleep(QUIET_MS)
    assert.deepStrictEqual(seqs(), [1, 2, 3, 4])
    stream.close()
  })

  it('fetches a gap that live events do not fill', async () => {
    const { channelId, worker, supervisor, handed, seqs, stream } = await streamOfSupervisor({ gapMs: 100 })
    await sleep(QUIET_MS)
    const stored = []
    for (const content of ['a', 'lost on the way', 'c'])
      stored.push(await storeSilently(channelId, worker, content))
    deliver(supervisor, stored[0])
    deliver(supervisor, stored[2])
    await waitUntil(() => seqs().length === 3, 'the gap filled')
    assert.deepStrictEqual(seqs(), [1, 2, 3])
    assert.strictEqual(handed[1].content, 'lost on the way')
    stream.close()
  })

  it('hands out a message deleted before it arrived as its tombstone, and reports one deleted later', async () => {
    const { channelId, clients, worker, supervisor, handed, removed, seqs, stream } =
      await streamOfSupervisor({ gapMs: 60_000 })
    const first = await send(clients.worker, channelId, 'kept, then regretted')
    await waitUntil(() => seqs().length === 1, 'the first message')
    await clients.worker.service('messages').remove(first.id)
    await waitUntil(() => removed.length === 1, 'the removal of a message already handed out')
    assert.strictEqual(removed[0].seq, 1)
    assert.ok(removed[0].is_deleted && !('content' in removed[0]))

    // The second is deleted while its live event is still on the way (here: never sent)
    const second = await storeSilently(channelId, worker, 'regretted at once')
    await clients.worker.service('messages').remove(second.id)
    const third = await storeSilently(channelId, worker, 'three')
    deliver(supervisor, third)
    deliver(supervisor, second)
    await waitUntil(() => seqs().length === 3, 'three messages handed out')
    assert.deepStrictEqual(seqs(), [1, 2, 3])
    assert.ok(handed[1].is_deleted && !('content' in handed[1]), 'the tombstone, not the content')
    assert.strictEqual(handed[2].content, 'three')
    stream.close()
  })

  it('catches up by itself after its connection drops, with what was sent meanwhile, once each', async () => {
    const world = await bookingChannelWithClients(server, { connected: ['worker'] })
    const { client, socket } = await reconnectingClient(server.url, world.supervisor)
    const handed: Message[] = []
    const live: Message[] = []
    client.service('messages').on('created', (m) => live.push(m))
    const stream = openChannelStream(client, world.channelId, { onMessage: (m) => handed.push(m) })
    for (const content of ['1', '2']) await send(world.clients.worker, world.channelId, content)
    await waitUntil(() => handed.length === 2, 'the live messages before the drop')

    // The network goes away, and stays away until four messages were sent
    socket.io.reconnection(false)
    socket.io.engine.close()
    await waitUntil(() => !socket.connected, 'the drop')
    for (const content of ['3', '4', '5', '6']) await send(world.clients.worker, world.channelId, content)
    socket.io.reconnection(true)
    socket.connect()
    await waitUntil(() => handed.length === 6, 'the messages sent while offline', 15_000)
    assert.deepStrictEqual(
      live.map((m) => m.seq),
      [1, 2],
      'nothing sent while offline arrived live'
    )
    await send(world.clients.worker, world.channelId, '7')
    await waitUntil(() => handed.length === 7, 'a live message after the reconnect')
    await sleep(QUIET_MS)
    assert.deepStrictEqual(
      handed.map((m) => m.seq),
      range(1, 7)
    )
    assert.deepStrictEqual(
      handed.map((m) => m.content),
      range(1, 7).map(String)
    )
    stream.close()
  })

  it('stops handing out after close', async () => {
    const { channelId, clients, seqs, stream } = await streamOfSupervisor()
    await send(clients.worker, channelId, 'before')
    await waitUntil(() => seqs().length === 1, 'the message before close')
    stream.close()
    await send(clients.worker, channelId, 'after')
    await sleep(QUIET_MS)
    assert.deepStrictEqual(seqs(), [1])
  })
})
