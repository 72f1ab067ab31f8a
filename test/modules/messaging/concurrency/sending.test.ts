import assert from 'assert'
import { useServer } from '../../../helpers/app'
import { closeClients, recordEvents, restClient, sleep, waitUntil } from '../../../helpers/clients'
import { QUIET_MS } from '../../../helpers/assertions'
import type { Message } from '../../../../src/client'
import { crowdHelpers, range, sortedNumbers } from './crowd'
import { bookingWorld } from '../../../helpers/fixtures'

describe('messaging under concurrency (real parallel calls over real connections)', function () {
  this.timeout(60_000)

  const server = useServer()
  afterEach(() => closeClients())
  const { connectAll, openChannelFor, channelRows, messageRows } = crowdHelpers(server)

  it('3 senders × 20 parallel sends into one channel give seq exactly 1..60 and every receiver gets all 60 events', async () => {
    const world = await bookingWorld(server.app)
    const senderPeople = [world.worker, world.supervisor, world.borrowerAdmin]
    const receiverPeople = [world.borrowerManager, world.lenderAdmin, world.lenderManager]
    const senders = await connectAll(senderPeople)
    const receivers = await connectAll(receiverPeople)
    const channel = await openChannelFor(world, [...senders, ...receivers])
    const received = receivers.map((receiver) => recordEvents(receiver, 'messages', 'created'))

    const sent = (
      await Promise.all(
        senders.flatMap((sender, s) =>
          Array.from({ length: 20 }, (_, i) =>
            sender.service('messages').create({ channel_id: channel.id, content: `sender ${s} message ${i}` })
          )
        )
      )
    ).flat()

    assert.strictEqual(sent.length, 60)
    assert.deepStrictEqual(
      sortedNumbers(sent.map((message) => message.seq)),
      range(1, 60),
      'results: no gap, no duplicate'
    )

    const rows = await messageRows(channel.id)
    assert.deepStrictEqual(
      rows.map((row) => row.seq),
      range(1, 60),
      'database: no gap, no duplicate'
    )
    for (let i = 1; i < rows.length; i++) {
      assert.ok(
        Date.parse(rows[i].created_at) >= Date.parse(rows[i - 1].created_at),
        `seq follows commit order (seq ${rows[i].seq} is not older than seq ${rows[i - 1].seq})`
      )
    }
    const [stored] = await channelRows(world.booking.id)
    assert.strictEqual(Number(stored.last_seq), 60)

    const bySeq = new Map(rows.map((row) => [row.seq, row.id]))
    await waitUntil(
      () => received.every((events) => events.length >= 60),
      "60 'messages created' events on every receiver",
      10_000
    )
    await sleep(QUIET_MS)
    received.forEach((events, r) => {
      assert.strictEqual(events.length, 60, `receiver ${r} got exactly 60 events`)
      assert.deepStrictEqual(sortedNumbers(events.map((message: Message) => message.seq)), range(1, 60))
      assert.ok(
        events.every(
          (message: Message) => message.channel_id === channel.id && bySeq.get(message.seq) === message.id
        ),
        `receiver ${r}: every event is the committed message of its seq`
      )
    })
  })

  it('4 parallel retries with one client_id from one sender return one message and announce it once', async () => {
    const world = await bookingWorld(server.app)
    const [sender, listener] = await connectAll([world.worker, world.supervisor])
    const channel = await openChannelFor(world, [sender, listener])
    const heard = recordEvents(listener, 'messages', 'created')
    const clientId = 'retry-me-7f3a'

    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        sender
          .service('messages')
          .create({ channel_id: channel.id, content: 'Arriving at 9', client_id: clientId })
      )
    )

    const first = results[0]
    assert.ok(first.id !== undefined)
    results.forEach((result) =>
      assert.deepStrictEqual(result, first, 'every retry returns the first message')
    )
    assert.strictEqual(first.seq, 1)
    assert.strictEqual(first.client_id, clientId)

    const rows = await messageRows(channel.id)
    assert.strictEqual(rows.length, 1, 'one row in the database')
    assert.strictEqual(rows[0].id, first.id)
    const [stored] = await channelRows(world.booking.id)
    assert.strictEqual(Number(stored.last_seq), 1, 'the retries did not consume seq numbers')

    await waitUntil(
      () => heard.some((message: Message) => message.id === first.id),
      "the listener's 'messages created'",
      10_000
    )
    await sleep(QUIET_MS)
    assert.strictEqual(
      heard.filter((message: Message) => message.client_id === clientId).length,
      1,
      "the listener got exactly one 'messages created' for the client_id"
    )
    assert.strictEqual(heard.length, 1)
  })

  it('the same client_id from two different senders gives two messages (the key is per sender)', async () => {
    const world = await bookingWorld(server.app)
    const [worker, supervisor] = await connectAll([world.worker, world.supervisor])
    const channel = await openChannelFor(world, [worker, supervisor])
    const clientId = 'shared-key-1'

    const [fromWorker, fromSupervisor] = await Promise.all([
      worker
        .service('messages')
        .create({ channel_id: channel.id, content: 'from the worker', client_id: clientId }),
      supervisor
        .service('messages')
        .create({ channel_id: channel.id, content: 'from the supervisor', client_id: clientId })
    ])

    assert.notStrictEqual(fromWorker.id, fromSupervisor.id)
    assert.strictEqual(fromWorker.sender_id, world.worker.id)
    assert.strictEqual(fromWorker.content, 'from the worker')
    assert.strictEqual(fromSupervisor.sender_id, world.supervisor.id)
    assert.strictEqual(fromSupervisor.content, 'from the supervisor')
    assert.deepStrictEqual(sortedNumbers([fromWorker.seq, fromSupervisor.seq]), [1, 2])

    const rows = await messageRows(channel.id)
    assert.strictEqual(rows.length, 2)
    assert.ok(rows.every((row) => row.client_id === clientId))
  })

  it('parallel sends over REST and Socket.io together give gap-free seq', async () => {
    const world = await bookingWorld(server.app)
    const [workerSocket, supervisorSocket, listener] = await connectAll([
      world.worker,
      world.supervisor,
      world.lenderAdmin
    ])
    const sockets = [workerSocket, supervisorSocket]
    const channel = await openChannelFor(world, [...sockets, listener])
    const rests = await Promise.all(
      [world.borrowerAdmin, world.lenderManager].map((person) => restClient(server.url, person))
    )
    const heard = recordEvents(listener, 'messages', 'created')

    const sent = (
      await Promise.all(
        [...sockets, ...rests].flatMap((client, c) =>
          Array.from({ length: 10 }, (_, i) =>
            client.service('messages').create({ channel_id: channel.id, content: `client ${c} message ${i}` })
          )
        )
      )
    ).flat()

    assert.deepStrictEqual(sortedNumbers(sent.map((message) => message.seq)), range(1, 40))
    const rows = await messageRows(channel.id)
    assert.deepStrictEqual(
      rows.map((row) => row.seq),
      range(1, 40)
    )
    assert.deepStrictEqual(
      sortedNumbers(rows.map((row) => row.sender_id)),
      sortedNumbers(
        [world.worker, world.supervisor, world.borrowerAdmin, world.lenderManager].flatMap((person) =>
          Array(10).fill(person.id)
        )
      )
    )
    const [stored] = await channelRows(world.booking.id)
    assert.strictEqual(Number(stored.last_seq), 40)

    await waitUntil(() => heard.length >= 40, "40 'messages created' events on the listener", 10_000)
    await sleep(QUIET_MS)
    assert.deepStrictEqual(sortedNumbers(heard.map((message: Message) => message.seq)), range(1, 40))
  })
})
