import assert from 'assert'
import { http, login, socketClient } from '../../../helpers/clients'
import { rejectsWith } from '../../../helpers/assertions'
import { countMessages } from '../../../helpers/database'
import { expectStatus, useAuthorizationScene } from './scene'
import type { ChannelPage } from '../../../../src/client'

describe('authorization', () => {
  const { server, scene } = useAuthorizationScene()

  describe('a non-participant', () => {
    const strangers = () => [
      { label: 'the outsider', who: scene.world.outsider },
      { label: 'a user of an unrelated booking', who: scene.otherWorld.worker }
    ]

    it('is refused every read and write of the channel over Socket.io (403; its records by id are 404, as if unknown)', async () => {
      for (const { label, who } of strangers()) {
        const client = await socketClient(server.url, who)
        const before = await countMessages(server, scene.channelId)
        await rejectsWith(
          403,
          () => client.service('messages').find({ query: { channel_id: scene.channelId } }),
          `${label} messages.find`
        )
        await rejectsWith(404, () => client.service('messages').get(scene.messageId), `${label} messages.get`)
        await rejectsWith(
          403,
          () => client.service('messages').create({ channel_id: scene.channelId, content: 'let me in' }),
          `${label} messages.create (channel_id)`
        )
        await rejectsWith(
          403,
          () =>
            client
              .service('messages')
              .create({ context_type: 'booking', context_id: scene.world.booking.id, content: 'let me in' }),
          `${label} messages.create (context)`
        )
        await rejectsWith(
          404,
          () => client.service('messages').remove(scene.messageId),
          `${label} messages.remove`
        )
        await rejectsWith(
          403,
          () => client.service('participants').find({ query: { channel_id: scene.channelId } }),
          `${label} participants.find`
        )
        await rejectsWith(
          404,
          () => client.service('participants').get(scene.workerParticipantId),
          `${label} participants.get`
        )
        await rejectsWith(403, () => client.service('channels').get(scene.channelId), `${label} channels.get`)
        await rejectsWith(
          403,
          () =>
            client
              .service('channels')
              .create({ context_type: 'booking', context_id: scene.world.booking.id }),
          `${label} channels.create`
        )
        assert.strictEqual(
          await countMessages(server, scene.channelId),
          before,
          `${label}: nothing was written`
        )
      }
    })

    it('is refused every read and write of the channel over plain HTTP (403; its records by id are 404, as if unknown)', async () => {
      for (const { label, who } of strangers()) {
        const token = await login(server.url, who)
        const before = await countMessages(server, scene.channelId)
        expectStatus(
          await http(server.url, 'GET', `/messages?channel_id=${scene.channelId}`, { token }),
          403,
          `${label} GET /messages`
        )
        expectStatus(
          await http(server.url, 'GET', `/messages/${scene.messageId}`, { token }),
          404,
          `${label} GET /messages/:id`
        )
        expectStatus(
          await http(server.url, 'POST', '/messages', {
            token,
            body: { channel_id: scene.channelId, content: 'let me in' }
          }),
          403,
          `${label} POST /messages (channel_id)`
        )
        expectStatus(
          await http(server.url, 'POST', '/messages', {
            token,
            body: { context_type: 'booking', context_id: scene.world.booking.id, content: 'let me in' }
          }),
          403,
          `${label} POST /messages (context)`
        )
        expectStatus(
          await http(server.url, 'DELETE', `/messages/${scene.messageId}`, { token }),
          404,
          `${label} DELETE /messages/:id`
        )
        expectStatus(
          await http(server.url, 'GET', `/participants?channel_id=${scene.channelId}`, { token }),
          403,
          `${label} GET /participants`
        )
        expectStatus(
          await http(server.url, 'GET', `/channels/${scene.channelId}`, { token }),
          403,
          `${label} GET /channels/:id`
        )
        expectStatus(
          await http(server.url, 'POST', '/channels', {
            token,
            body: { context_type: 'booking', context_id: scene.world.booking.id }
          }),
          403,
          `${label} POST /channels`
        )
        assert.strictEqual(
          await countMessages(server, scene.channelId),
          before,
          `${label}: nothing was written`
        )
        const removed = await server.app
          .get('postgresqlClient')('chat_messages')
          .where({ id: scene.messageId })
          .first()
        assert.strictEqual(removed.is_deleted, false, `${label}: the message was not deleted`)
      }
    })

    it('does not see the channel in channels.find, over Socket.io and HTTP', async () => {
      for (const { label, who } of strangers()) {
        const client = await socketClient(server.url, who)
        const all = await client.service('channels').find({ query: { $limit: 100 } })
        assert.ok(!all.data.some((c) => c.id === scene.channelId), `${label}: listed over Socket.io`)
        const filtered = await client
          .service('channels')
          .find({ query: { context_type: 'booking', context_id: scene.world.booking.id } })
        assert.strictEqual(filtered.total, 0, `${label}: filtered total over Socket.io`)
        assert.deepStrictEqual(filtered.data, [])

        const token = await login(server.url, who)
        const response = await http<ChannelPage>(
          server.url,
          'GET',
          `/channels?context_type=booking&context_id=${scene.world.booking.id}`,
          { token }
        )
        expectStatus(response, 200, `${label} GET /channels`)
        assert.strictEqual(response.body.total, 0, `${label}: filtered total over HTTP`)
        assert.deepStrictEqual(response.body.data, [])
      }
      // The unrelated user does see their own channel: the filter is not simply empty for everyone
      const own = await (
        await socketClient(server.url, scene.otherWorld.worker)
      )
        .service('channels')
        .find({ query: { context_type: 'booking', context_id: scene.otherWorld.booking.id } })
      assert.strictEqual(own.total, 1)
    })

    it('is refused where a participant of the same channel is allowed (control)', async () => {
      const client = await socketClient(server.url, scene.world.supervisor)
      const messages = await client.service('messages').find({ query: { channel_id: scene.channelId } })
      assert.ok(messages.data.some((m) => m.id === scene.messageId))
      assert.strictEqual((await client.service('messages').get(scene.messageId)).id, scene.messageId)
      assert.strictEqual((await client.service('channels').get(scene.channelId)).id, scene.channelId)
      const participants = await client
        .service('participants')
        .find({ query: { channel_id: scene.channelId } })
      assert.ok(participants.data.some((p) => p.user_id === scene.world.supervisor.id))
    })
  })
})
