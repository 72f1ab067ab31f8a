import assert from 'assert'
import { http, login, socketClient } from '../../../helpers/clients'
import { rejectsWith } from '../../../helpers/assertions'
import { expectStatus, useAuthorizationScene } from './scene'

describe('authorization', () => {
  const { server, scene } = useAuthorizationScene()

  describe('participants and special query flags', () => {
    it('a user cannot patch another participant’s row (403), over Socket.io and HTTP', async () => {
      const client = await socketClient(server.url, scene.world.worker)
      await rejectsWith(
        403,
        () => client.service('participants').patch(scene.supervisorParticipantId, { muted: true }),
        'socket muted'
      )
      await rejectsWith(
        403,
        () => client.service('participants').patch(scene.supervisorParticipantId, { last_read_seq: 1 }),
        'socket last_read_seq'
      )
      const token = await login(server.url, scene.world.worker)
      expectStatus(
        await http(server.url, 'PATCH', `/participants/${scene.supervisorParticipantId}`, {
          token,
          body: { muted: true }
        }),
        403,
        'HTTP PATCH other participant'
      )
      const stored = await server.app
        .get('postgresqlClient')('chat_participants')
        .where({ id: scene.supervisorParticipantId })
        .first()
      assert.strictEqual(stored.muted, false)
      assert.strictEqual(Number(stored.last_read_seq), 0)
      // Their own row they may patch
      const own = await client.service('participants').patch(scene.workerParticipantId, { muted: true })
      assert.strictEqual(own.muted, true)
      await client.service('participants').patch(scene.workerParticipantId, { muted: false })
    })

    it('an outsider cannot patch any participant row of the channel (404, as if unknown)', async () => {
      const client = await socketClient(server.url, scene.world.outsider)
      await rejectsWith(
        404,
        () => client.service('participants').patch(scene.workerParticipantId, { muted: true }),
        'outsider patch'
      )
      const stored = await server.app
        .get('postgresqlClient')('chat_participants')
        .where({ id: scene.workerParticipantId })
        .first()
      assert.strictEqual(stored.muted, false)
    })

    it('a non-admin participant cannot use $withDeleted or $withRemoved (403)', async () => {
      const client = await socketClient(server.url, scene.world.supervisor)
      await rejectsWith(
        403,
        () => client.service('messages').find({ query: { channel_id: scene.channelId, $withDeleted: true } }),
        'socket $withDeleted'
      )
      await rejectsWith(
        403,
        () =>
          client.service('participants').find({ query: { channel_id: scene.channelId, $withRemoved: true } }),
        'socket $withRemoved'
      )
      const token = await login(server.url, scene.world.supervisor)
      expectStatus(
        await http(server.url, 'GET', `/messages?channel_id=${scene.channelId}&$withDeleted=true`, { token }),
        403,
        'HTTP $withDeleted'
      )
      expectStatus(
        await http(server.url, 'GET', `/participants?channel_id=${scene.channelId}&$withRemoved=true`, {
          token
        }),
        403,
        'HTTP $withRemoved'
      )
    })

    it('channels.create for a context that does not exist is 403 for users (as for one they do not belong in) and 404 for admins', async () => {
      const user = await socketClient(server.url, scene.world.worker)
      await rejectsWith(
        403,
        () => user.service('channels').create({ context_type: 'booking', context_id: 987654321 }),
        'user unknown booking'
      )
      await rejectsWith(
        403,
        () => user.service('channels').create({ context_type: 'dispute', context_id: 987654321 }),
        'user unknown dispute'
      )
      const adminClient = await socketClient(server.url, scene.admin)
      await rejectsWith(
        404,
        () => adminClient.service('channels').create({ context_type: 'booking', context_id: 987654321 }),
        'admin unknown booking'
      )
      const token = await login(server.url, scene.admin)
      expectStatus(
        await http(server.url, 'POST', '/channels', {
          token,
          body: { context_type: 'dispute', context_id: 987654321 }
        }),
        404,
        'HTTP unknown dispute'
      )
      const channels = await server.app
        .get('postgresqlClient')('chat_channels')
        .where({ context_id: 987654321 })
      assert.deepStrictEqual(channels, [])
    })
  })
})
