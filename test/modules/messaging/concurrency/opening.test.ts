import assert from 'assert'
import type { Knex } from 'knex'
import { useServer } from '../../../helpers/app'
import { closeClients, recordEvents, sleep, waitUntil } from '../../../helpers/clients'
import type { EventData } from '../../../helpers/clients'
import { QUIET_MS } from '../../../helpers/assertions'
import { crowdHelpers, range, sortedNumbers } from './crowd'

describe('messaging under concurrency (real parallel calls over real connections)', function () {
  this.timeout(60_000)

  const server = useServer()
  let db: Knex

  before(async () => {
    db = server.app.get('postgresqlClient')
  })
  afterEach(() => closeClients())
  const { crowdedBooking, connectAll, channelRows, messageRows } = crowdHelpers(server)

  it('10 parallel first messages in one context from different participants open one channel and get seq 1..10', async () => {
    const { world, people } = await crowdedBooking()
    const clients = await connectAll(people)

    const sent = await Promise.all(
      clients.map((client, i) =>
        client.service('messages').create({
          context_type: 'booking',
          context_id: world.booking.id,
          content: `first message from person ${i}`
        })
      )
    )

    const channels = await channelRows(world.booking.id)
    assert.strictEqual(channels.length, 1, 'exactly one chat_channels row for the context')
    const channelId = channels[0].id
    assert.deepStrictEqual(
      sent.map((message) => message.channel_id),
      sent.map(() => channelId),
      'every first message landed in that one channel'
    )
    assert.deepStrictEqual(sortedNumbers(sent.map((message) => message.seq)), range(1, 10))
    assert.deepStrictEqual(
      sortedNumbers(sent.map((message) => message.sender_id)),
      sortedNumbers(people.map((person) => person.id))
    )

    const rows = await messageRows(channelId)
    assert.deepStrictEqual(
      rows.map((row) => row.seq),
      range(1, 10)
    )
    assert.deepStrictEqual(
      sortedNumbers(rows.map((row) => row.id)),
      sortedNumbers(sent.map((message) => message.id))
    )
    assert.strictEqual(Number(channels[0].last_seq), 10)

    const participants = await db('chat_participants')
      .where({ channel_id: channelId })
      .select('user_id', 'removed_at')
    assert.strictEqual(participants.length, 10, 'each participant was added exactly once')
    assert.ok(participants.every((participant) => participant.removed_at === null))
  })

  it('10 parallel channels.create for one new context all return the same channel, one row, each participant told once', async () => {
    const { world, people } = await crowdedBooking()
    const clients = await connectAll(people)
    const announced = clients.map((client) => recordEvents(client, 'channels', 'created'))

    const created = await Promise.all(
      clients.map((client) =>
        client.service('channels').create({ context_type: 'booking', context_id: world.booking.id })
      )
    )

    const channels = await channelRows(world.booking.id)
    assert.strictEqual(channels.length, 1, 'exactly one chat_channels row for the context')
    assert.deepStrictEqual(
      created.map((channel) => channel.id),
      created.map(() => channels[0].id),
      'every caller got the same channel'
    )
    const participants = await db('chat_participants').where({ channel_id: channels[0].id }).select('user_id')
    assert.deepStrictEqual(
      sortedNumbers(participants.map((participant) => participant.user_id)),
      sortedNumbers(people.map((person) => person.id)),
      'each participant was added exactly once'
    )

    const ofThisChannel = (events: EventData<'channels', 'created'>[]) =>
      events.filter((channel) => channel.id === channels[0].id)
    await waitUntil(
      () => announced.every((events) => ofThisChannel(events).length >= 1),
      "every connection's 'channels created'",
      10_000
    )
    await sleep(QUIET_MS)
    announced.forEach((events, i) =>
      assert.strictEqual(
        ofThisChannel(events).length,
        1,
        `connection ${i} got exactly one 'channels created'`
      )
    )
  })
})
