import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import type { BookingWorld } from '../../../../helpers/factories'
import { bookingWorld } from '../../../../helpers/fixtures'
import {
  http,
  login,
  nextEvent,
  recordEvents,
  restClient,
  sleep,
  socketClient
} from '../../../../helpers/clients'
import type { Paginated } from '@feathersjs/feathers'
import type { ChannelPage, Message } from '../../../../../src/client'

describe('messages', () => {
  const server = useServer()
  let world: BookingWorld

  before(async () => {
    world = await bookingWorld(server.app)
  })

  it('opens the channel on the first message in a context and delivers it live to participants only', async () => {
    const worker = await socketClient(server.url, world.worker)
    const supervisor = await socketClient(server.url, world.supervisor)
    const outsider = await socketClient(server.url, world.outsider)
    const outsiderSaw = recordEvents(outsider, 'messages', 'created')
    const channelOpened = nextEvent(supervisor, 'channels', 'created')
    const firstArrived = nextEvent(supervisor, 'messages', 'created')

    const sent = await worker.service('messages').create({
      context_type: 'booking',
      context_id: world.booking.id,
      content: 'Running ten minutes late'
    })
    assert.strictEqual(sent.seq, 1)
    assert.strictEqual(sent.sender_id, world.worker.id)
    assert.strictEqual(sent.content, 'Running ten minutes late')

    const channel = await channelOpened
    assert.strictEqual(channel.id, sent.channel_id)
    assert.deepStrictEqual(await firstArrived, sent)

    const next = nextEvent(supervisor, 'messages', 'created')
    const second = await worker
      .service('messages')
      .create({ channel_id: sent.channel_id, content: 'Parking now' })
    const received = await next
    assert.deepStrictEqual(received, second)
    await sleep(100)
    assert.deepStrictEqual(outsiderSaw, [])
  })

  it('pages history newest first and catches up oldest first over REST', async () => {
    const token = await login(server.url, world.supervisor)
    const channels = await http<ChannelPage>(
      server.url,
      'GET',
      `/channels?context_type=booking&context_id=${world.booking.id}`,
      { token }
    )
    const channelId = channels.body.data[0].id
    for (let i = 0; i < 5; i++) {
      const sent = await http(server.url, 'POST', '/messages', {
        token,
        body: { channel_id: channelId, content: `m${i}` }
      })
      assert.strictEqual(sent.status, 201)
    }
    const latest = await http<Paginated<Message>>(
      server.url,
      'GET',
      `/messages?channel_id=${channelId}&$limit=3`,
      { token }
    )
    assert.deepStrictEqual(
      latest.body.data.map((m) => m.seq),
      [7, 6, 5]
    )
    const older = await http<Paginated<Message>>(
      server.url,
      'GET',
      `/messages?channel_id=${channelId}&$limit=3&seq[$lt]=5`,
      {
        token
      }
    )
    assert.deepStrictEqual(
      older.body.data.map((m) => m.seq),
      [4, 3, 2]
    )
    const client = await restClient(server.url, world.worker)
    const after = await client
      .service('messages')
      .find({ query: { channel_id: channelId, seq: { $gt: 4 }, $sort: { seq: 1 } } })
    assert.deepStrictEqual(
      after.data.map((m) => m.seq),
      [5, 6, 7]
    )
  })
})
