import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildAdmin } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import type { BookingWorld, TestUser } from '../../../../helpers/factories'
import { http, login, nextEvent, socketClient } from '../../../../helpers/clients'
import type { Paginated } from '@feathersjs/feathers'
import type { Message } from '../../../../../src/client'

const TOMBSTONE_KEYS = [
  'channel_id',
  'created_at',
  'deleted_at',
  'id',
  'is_deleted',
  'sender',
  'sender_id',
  'seq'
]

describe('deleted messages in history (tombstones)', () => {
  const server = useServer()
  let world: BookingWorld
  let admin: TestUser
  let channelId: number

  before(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
    admin = await buildAdmin(server.app)
  })

  it('keeps seq contiguous over REST: a tombstone without words for participants, the words for an admin who asks', async () => {
    const token = await login(server.url, world.worker)
    const contents = ['first', 'regrettable', 'third']
    const sent = []
    for (const content of contents) {
      const { body } = await http<Message>(server.url, 'POST', '/messages', {
        token,
        body: { channel_id: channelId, content, client_id: content }
      })
      sent.push(body)
    }
    assert.strictEqual((await http(server.url, 'DELETE', `/messages/${sent[1].id}`, { token })).status, 200)

    const supervisorToken = await login(server.url, world.supervisor)
    const history = await http<Paginated<Message>>(
      server.url,
      'GET',
      `/messages?channel_id=${channelId}&seq[$gt]=0&$sort[seq]=1`,
      {
        token: supervisorToken
      }
    )
    assert.strictEqual(history.status, 200)
    assert.deepStrictEqual(
      history.body.data.map((m) => m.seq),
      [1, 2, 3]
    )
    const tombstone = history.body.data[1]
    assert.deepStrictEqual(Object.keys(tombstone).sort(), TOMBSTONE_KEYS)
    assert.strictEqual(tombstone.is_deleted, true)
    assert.ok(tombstone.deleted_at)
    assert.deepStrictEqual(tombstone.sender, { id: world.worker.id, name: world.worker.name })
    assert.ok(!history.text.includes('regrettable'), history.text)
    assert.strictEqual(history.body.data[2].content, 'third')

    const adminToken = await login(server.url, admin)
    const plain = await http<Paginated<Message>>(
      server.url,
      'GET',
      `/messages?channel_id=${channelId}&$sort[seq]=1`,
      {
        token: adminToken
      }
    )
    assert.deepStrictEqual(
      Object.keys(plain.body.data[1]).sort(),
      TOMBSTONE_KEYS,
      'an admin’s plain history shows the tombstone'
    )
    const evidence = await http<Paginated<Message>>(
      server.url,
      'GET',
      `/messages?channel_id=${channelId}&$sort[seq]=1&$withDeleted=true`,
      {
        token: adminToken
      }
    )
    assert.strictEqual(evidence.body.data[1].content, 'regrettable')
    assert.strictEqual(evidence.body.data[1].is_deleted, true)
  })

  it('lets a client catch up past a deleted message by seq over Socket.io', async () => {
    const worker = await socketClient(server.url, world.worker)
    const supervisor = await socketClient(server.url, world.supervisor)
    const start = (await worker.service('messages').create({ channel_id: channelId, content: 'before' })).seq
    const doomed = await worker.service('messages').create({ channel_id: channelId, content: 'oops' })
    await worker.service('messages').create({ channel_id: channelId, content: 'after' })
    await worker.service('messages').remove(doomed.id)

    // The README's recipe: advance while seq is contiguous
    const page = await supervisor
      .service('messages')
      .find({ query: { channel_id: channelId, seq: { $gt: start }, $sort: { seq: 1 } } })
    assert.deepStrictEqual(
      page.data.map((m) => m.seq),
      [start + 1, start + 2]
    )
    assert.deepStrictEqual(Object.keys(page.data[0]).sort(), TOMBSTONE_KEYS)
    assert.strictEqual(page.data[1].content, 'after')
  })

  it('sends participants the tombstone shape in the live messages removed event; an admin still reads the words', async () => {
    const worker = await socketClient(server.url, world.worker)
    const supervisor = await socketClient(server.url, world.supervisor)
    const adminClient = await socketClient(server.url, admin)
    const sent = await worker
      .service('messages')
      .create({ channel_id: channelId, content: 'take it back', client_id: 'c-1' })
    const toSupervisor = nextEvent(supervisor, 'messages', 'removed', (m) => m.id === sent.id)
    const toSender = nextEvent(worker, 'messages', 'removed', (m) => m.id === sent.id)

    await worker.service('messages').remove(sent.id)
    for (const event of [await toSupervisor, await toSender]) {
      assert.deepStrictEqual(Object.keys(event).sort(), TOMBSTONE_KEYS)
      assert.strictEqual(event.seq, sent.seq)
      assert.deepStrictEqual(event.sender, { id: world.worker.id, name: world.worker.name })
    }
    const asAdmin = await adminClient.service('messages').get(sent.id)
    assert.strictEqual(asAdmin.content, 'take it back')
  })
})
