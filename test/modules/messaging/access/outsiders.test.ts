import assert from 'assert'
import { useServer } from '../../../helpers/app'
import type { BookingWorld } from '../../../helpers/factories'
import { http, login, socketClient } from '../../../helpers/clients'
import { rejectsWith } from '../../../helpers/assertions'
import { countMessages } from '../../../helpers/database'
import { buildAuthorizationScene, expectStatus } from './scene'

describe('authorization', () => {
  const server = useServer()
  let world: BookingWorld
  let otherWorld: BookingWorld
  let channelId: number
  let messageId: number
  let workerParticipantId: number

  before(async () => {
    ;({ world, otherWorld, channelId, messageId, workerParticipantId } = await buildAuthorizationScene(
      server.app
    ))
  })

  describe('a non-participant', () => {
    const strangers = () => [
      { label: 'the outsider', who: world.outsider },
      { label: 'a user of an unrelated booking', who: otherWorld.worker }
    ]

    it('is refused every read and write of the channel over Socket.io (403; its records by id are 404, as if unknown)', async () => {
      for (const { label, who } of strangers()) {
        const client = await socketClient(server.url, who)
        const before = await countMessages(server, channelId)
        await rejectsWith(
          403,
          () => client.service('messages').find({ query: { channel_id: channelId } }),
          `${label} messages.find`
        )
        await rejectsWith(404, () => client.service('messages').get(messageId), `${label} messages.get`)
        await rejectsWith(
          403,
          () => client.service('messages').create({ channel_id: channelId, content: 'let me in' }),
          `${label} messages.create (channel_id)`
        )
        await rejectsWith(
          403,
          () =>
            client
              .service('messages')
              .create({ context_type: 'booking', context_id: world.booking.id, content: 'let me in' }),
          `${label} messages.create (context)`
        )
        await rejectsWith(404, () => client.service('messages').remove(messageId), `${label} messages.remove`)
        await rejectsWith(
          403,
          () => client.service('participants').find({ query: { channel_id: channelId } }),
          `${label} participants.find`
        )
        await rejectsWith(
          404,
          () => client.service('participants').get(workerParticipantId),
          `${label} participants.get`
        )
        await rejectsWith(403, () => client.service('channels').get(channelId), `${label} channels.get`)
        await rejectsWith(
          403,
          () => client.service('channels').create({ context_type: 'booking', context_id: world.booking.id }),
          `${label} channels.create`
        )
        assert.strictEqual(await countMessages(server, channelId), before, `${label}: nothing was written`)
      }
    })

    it('is refused every read and write of the channel over plain HTTP (403; its records by id are 404, as if unknown)', async () => {
      for (const { label, who } of strangers()) {
        const token = await login(server.url, who)
        const before = await countMessages(server, channelId)
        expectStatus(
          await http(server.url, 'GET', `/messages?channel_id=${channelId}`, { token }),
          403,
          `${label} GET /messages`
        )
        expectStatus(
          await http(server.url, 'GET', `/messages/${messageId}`, { token }),
          404,
          `${label} GET /messages/:id`
        )
        expectStatus(
          await http(server.url, 'POST', '/messages', {
            token,
            body: { channel_id: channelId, content: 'let me in' }
          }),
          403,
          `${label} POST /messages (channel_id)`
        )
        expectStatus(
          await http(server.url, 'POST', '/messages', {
            token,
            body: { context_type: 'booking', context_id: world.booking.id, content: 'let me in' }
          }),
          403,
          `${label} POST /messages (context)`
        )
        expectStatus(
          await http(server.url, 'DELETE', `/messages/${messageId}`, { token }),
          404,
          `${label} DELETE /messages/:id`
        )
        expectStatus(
          await http(server.url, 'GET', `/participants?channel_id=${channelId}`, { token }),
          403,
          `${label} GET /participants`
        )
        expectStatus(
          await http(server.url, 'GET', `/channels/${channelId}`, { token }),
          403,
          `${label} GET /channels/:id`
        )
        expectStatus(
          await http(server.url, 'POST', '/channels', {
            token,
            body: { context_type: 'booking', context_id: world.booking.id }
          }),
          403,
          `${label} POST /channels`
        )
        assert.strictEqual(await countMessages(server, channelId), before, `${label}: nothing was written`)
        const removed = await server.app
          .get('postgresqlClient')('chat_messages')
          .where({ id: messageId })
          .first()
        assert.strictEqual(removed.is_deleted, false, `${label}: the message was not deleted`)
      }
    })

    it('does not see the channel in channels.find, over Socket.io and HTTP', async () => {
      for (const { label, who } of strangers()) {
        const client = await socketClient(server.url, who)
        const all = await client.service('channels').find({ query: { $limit: 100 } })
        assert.ok(!all.data.some((c) => c.id === channelId), `${label}: listed over Socket.io`)
        const filtered = await client
          .service('channels')
          .find({ query: { context_type: 'booking', context_id: world.booking.id } })
        assert.strictEqual(filtered.total, 0, `${label}: filtered total over Socket.io`)
        assert.deepStrictEqual(filtered.data, [])

        const token = await login(server.url, who)
        const response = await http(
          server.url,
          'GET',
          `/channels?context_type=booking&context_id=${world.booking.id}`,
          { token }
        )
        expectStatus(response, 200, `${label} GET /channels`)
        assert.strictEqual(response.body.total, 0, `${label}: filtered total over HTTP`)
        assert.deepStrictEqual(response.body.data, [])
      }
      // The unrelated user does see their own channel: the filter is not simply empty for everyone
      const own = await (
        await socketClient(server.url, otherWorld.worker)
      )
        .service('channels')
        .find({ query: { context_type: 'booking', context_id: otherWorld.booking.id } })
      assert.strictEqual(own.total, 1)
    })

    it('is refused where a participant of the same channel is allowed (control)', async () => {
      const client = await socketClient(server.url, world.supervisor)
      const messages = await client.service('messages').find({ query: { channel_id: channelId } })
      assert.ok(messages.data.some((m) => m.id === messageId))
      assert.strictEqual((await client.service('messages').get(messageId)).id, messageId)
      assert.strictEqual((await client.service('channels').get(channelId)).id, channelId)
      const participants = await client.service('participants').find({ query: { channel_id: channelId } })
      assert.ok(participants.data.some((p) => p.user_id === world.supervisor.id))
    })
  })
})
