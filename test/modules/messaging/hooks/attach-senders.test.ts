import assert from 'assert'
import { useServer } from '../../../helpers/app'
import type { BookingWorld } from '../../../helpers/factories'
import { http, login, nextEvent, socketClient } from '../../../helpers/clients'
import { bookingChannelWithClients } from '../../../helpers/fixtures'
import type { Paginated } from '@feathersjs/feathers'
import type { Message } from '../../../../src/client'

describe('message senders', () => {
  const server = useServer()
  let world: BookingWorld
  let channelId: number

  before(async () => {
    ;({ world, channelId } = await bookingChannelWithClients(server))
  })

  const senderOf = (who: { id: number; name: string }) => ({ id: who.id, name: who.name })

  it('names the sender in the REST create result, in find and in get', async () => {
    const token = await login(server.url, world.worker)
    const sent = await http<Message>(server.url, 'POST', '/messages', {
      token,
      body: { channel_id: channelId, content: 'Over REST' }
    })
    assert.strictEqual(sent.status, 201)
    assert.deepStrictEqual(sent.body.sender, senderOf(world.worker))

    await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'From the supervisor' }, { user: world.supervisor })
    const page = await http<Paginated<Message>>(
      server.url,
      'GET',
      `/messages?channel_id=${channelId}&$sort[seq]=1`,
      { token }
    )
    assert.strictEqual(page.status, 200)
    const senders = page.body.data.map((message) => [message.content, message.sender])
    assert.deepStrictEqual(senders.slice(-2), [
      ['Over REST', senderOf(world.worker)],
      ['From the supervisor', senderOf(world.supervisor)]
    ])
    const one = await http<Message>(server.url, 'GET', `/messages/${page.body.data.at(-1)!.id}`, { token })
    assert.deepStrictEqual(one.body.sender, senderOf(world.supervisor))
  })

  it('names the sender in the live messages created event and over Socket.io', async () => {
    const worker = await socketClient(server.url, world.worker)
    const supervisor = await socketClient(server.url, world.supervisor)
    const arrived = nextEvent(supervisor, 'messages', 'created', (message) => message.content === 'Live')
    const sent = await worker.service('messages').create({ channel_id: channelId, content: 'Live' })
    assert.deepStrictEqual(sent.sender, senderOf(world.worker))
    assert.deepStrictEqual((await arrived).sender, senderOf(world.worker))
    const page = await supervisor.service('messages').find({ query: { channel_id: channelId, $limit: 1 } })
    assert.deepStrictEqual(page.data[0].sender, senderOf(world.worker))
  })

  it('shows a new name at once after the person changes it', async () => {
    const supervisor = await socketClient(server.url, world.supervisor)
    await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'Before the rename' }, { user: world.worker })
    const before = await supervisor.service('messages').find({ query: { channel_id: channelId, $limit: 1 } })
    assert.strictEqual(before.data[0].sender.name, world.worker.name)

    const worker = await socketClient(server.url, world.worker)
    await worker.service('users').patch(world.worker.id, { name: 'Ana Renamed' })
    const after = await supervisor.service('messages').find({ query: { channel_id: channelId, $limit: 1 } })
    assert.deepStrictEqual(after.data[0].sender, { id: world.worker.id, name: 'Ana Renamed' })
    const next = await worker
      .service('messages')
      .create({ channel_id: channelId, content: 'After the rename' })
    assert.deepStrictEqual(next.sender, { id: world.worker.id, name: 'Ana Renamed' })
  })
})
