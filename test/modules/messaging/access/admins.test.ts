import assert from 'assert'
import { bookingChannel } from '../../../helpers/fixtures'
import { http, login, socketClient } from '../../../helpers/clients'
import { expectStatus, useAuthorizationScene } from './scene'
import type { Paginated } from '@feathersjs/feathers'
import type { Message } from '../../../../src/client'

describe('authorization', () => {
  const { server, scene } = useAuthorizationScene()

  describe('admins', () => {
    it('can read any channel, its messages and participants, over Socket.io and HTTP', async () => {
      const client = await socketClient(server.url, scene.admin)
      const channel = await client.service('channels').get(scene.channelId)
      assert.strictEqual(channel.id, scene.channelId)
      const listed = await client
        .service('channels')
        .find({ query: { context_type: 'booking', context_id: scene.world.booking.id } })
      assert.deepStrictEqual(
        listed.data.map((c) => c.id),
        [scene.channelId]
      )
      const messages = await client.service('messages').find({ query: { channel_id: scene.channelId } })
      assert.ok(messages.data.some((m) => m.id === scene.messageId))
      assert.strictEqual((await client.service('messages').get(scene.messageId)).id, scene.messageId)
      const participants = await client
        .service('participants')
        .find({ query: { channel_id: scene.channelId } })
      assert.ok(participants.data.some((p) => p.user_id === scene.world.worker.id))

      const token = await login(server.url, scene.admin)
      expectStatus(
        await http(server.url, 'GET', `/channels/${scene.channelId}`, { token }),
        200,
        'admin GET /channels/:id'
      )
      const viaHttp = await http<Paginated<Message>>(
        server.url,
        'GET',
        `/messages?channel_id=${scene.channelId}`,
        { token }
      )
      expectStatus(viaHttp, 200, 'admin GET /messages')
      assert.ok(viaHttp.body.data.some((m) => m.id === scene.messageId))
      expectStatus(
        await http(server.url, 'GET', `/participants?channel_id=${scene.channelId}`, { token }),
        200,
        'admin GET /participants'
      )
    })

    it('may use $withDeleted and $withRemoved, and then see what others do not', async () => {
      const { world: other, channel } = await bookingChannel(server.app)
      const doomed = await server.app
        .service('messages')
        .create({ channel_id: channel.id, content: 'regrettable' }, { user: other.worker })
      await server.app.service('messages').remove(doomed.id, { user: other.worker })
      // The lender's manager leaves the company, so leaves the channel
      const [membership] = await server.app.service('company-members').find({
        query: { company_id: other.lenderCompanyId, user_id: other.lenderManager.id },
        paginate: false
      })
      await server.app.service('company-members').remove(membership.id)

      const client = await socketClient(server.url, scene.admin)
      const normal = await client.service('messages').find({ query: { channel_id: channel.id } })
      const tombstone = normal.data.find((m) => m.id === doomed.id)
      assert.ok(tombstone?.is_deleted && !('content' in tombstone), 'deleted message a tombstone by default')
      const withDeleted = await client
        .service('messages')
        .find({ query: { channel_id: channel.id, $withDeleted: true } })
      const deleted = withDeleted.data.find((m) => m.id === doomed.id)
      assert.ok(deleted, 'deleted message listed with $withDeleted')
      assert.strictEqual(deleted.is_deleted, true)
      assert.strictEqual(deleted.content, 'regrettable')

      const current = await client.service('participants').find({ query: { channel_id: channel.id } })
      assert.ok(
        !current.data.some((p) => p.user_id === other.lenderManager.id),
        'removed participant hidden by default'
      )
      const withRemoved = await client
        .service('participants')
        .find({ query: { channel_id: channel.id, $withRemoved: true } })
      const removed = withRemoved.data.find((p) => p.user_id === other.lenderManager.id)
      assert.ok(removed, 'removed participant listed with $withRemoved')
      assert.ok(removed.removed_at, 'with its removed_at')

      const token = await login(server.url, scene.admin)
      const viaHttp = await http<Paginated<Message>>(
        server.url,
        'GET',
        `/messages?channel_id=${channel.id}&$withDeleted=true`,
        {
          token
        }
      )
      expectStatus(viaHttp, 200, 'admin $withDeleted over HTTP')
      assert.ok(viaHttp.body.data.some((m) => m.id === doomed.id))
    })
  })
})
