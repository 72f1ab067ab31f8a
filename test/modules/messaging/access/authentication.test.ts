import assert from 'assert'
import type { TestUser } from '../../../helpers/factories'
import { http, socketClient } from '../../../helpers/clients'
import { rejectsWith } from '../../../helpers/assertions'
import { countMessages } from '../../../helpers/database'
import { expectStatus, useAuthorizationScene } from './scene'
import type { ErrorBody } from '../../../helpers/clients'

describe('authorization', () => {
  const { server, scene } = useAuthorizationScene()

  describe('authentication', () => {
    const createToken = (user: TestUser, options: Record<string, unknown> = {}, secret?: string) =>
      server.app
        .service('authentication')
        .createAccessToken({}, { subject: String(user.id), ...options } as any, secret)

    /**
     * Refuses `token` for reading and sending over HTTP (writing nothing) and for signing in
     * over Socket.io; returns that unauthenticated connection.
     */
    async function expectRefusedEverywhere(token: string, what: string) {
      const read = await http(server.url, 'GET', `/messages?channel_id=${scene.channelId}`, { token })
      expectStatus(read, 401, `${what} over HTTP`)
      const before = await countMessages(server, scene.channelId)
      expectStatus(
        await http(server.url, 'POST', '/messages', {
          token,
          body: { channel_id: scene.channelId, content: what }
        }),
        401,
        `${what} POST`
      )
      assert.strictEqual(await countMessages(server, scene.channelId), before)
      const client = await socketClient(server.url)
      await rejectsWith(
        401,
        () => client.authenticate({ strategy: 'jwt', accessToken: token }),
        `${what} over Socket.io`
      )
      return client
    }

    it('refuses unauthenticated calls with 401 over Socket.io', async () => {
      const client = await socketClient(server.url)
      const calls: [string, () => Promise<unknown>][] = [
        ['messages.find', () => client.service('messages').find({ query: { channel_id: scene.channelId } })],
        ['messages.get', () => client.service('messages').get(scene.messageId)],
        [
          'messages.create',
          () => client.service('messages').create({ channel_id: scene.channelId, content: 'anonymous' })
        ],
        ['channels.find', () => client.service('channels').find({})],
        ['channels.get', () => client.service('channels').get(scene.channelId)],
        [
          'channels.create',
          () =>
            client.service('channels').create({ context_type: 'booking', context_id: scene.world.booking.id })
        ],
        [
          'participants.find',
          () => client.service('participants').find({ query: { channel_id: scene.channelId } })
        ],
        [
          'participants.patch',
          () => client.service('participants').patch(scene.workerParticipantId, { muted: true })
        ],
        ['users.find', () => client.service('users').find({})],
        [
          'users.create',
          () =>
            client
              .service('users')
              .create({ email: 'anon@example.test', name: 'A', password: 'password123' } as any)
        ],
        ['companies.find', () => client.service('companies').find({})],
        ['bookings.find', () => client.service('bookings').find({})]
      ]
      const before = await countMessages(server, scene.channelId)
      for (const [label, call] of calls) {
        const error = await rejectsWith(401, call, label)
        assert.strictEqual(error.name, 'NotAuthenticated', label)
      }
      assert.strictEqual(await countMessages(server, scene.channelId), before)
    })

    it('refuses unauthenticated calls with 401 over HTTP', async () => {
      const calls: [string, string, unknown?][] = [
        ['GET', `/messages?channel_id=${scene.channelId}`],
        ['GET', `/messages/${scene.messageId}`],
        ['POST', '/messages', { channel_id: scene.channelId, content: 'anonymous' }],
        ['DELETE', `/messages/${scene.messageId}`],
        ['GET', '/channels'],
        ['GET', `/channels/${scene.channelId}`],
        ['POST', '/channels', { context_type: 'booking', context_id: scene.world.booking.id }],
        ['GET', `/participants?channel_id=${scene.channelId}`],
        ['PATCH', `/participants/${scene.workerParticipantId}`, { muted: true }],
        ['GET', '/users'],
        ['POST', '/users', { email: 'anon@example.test', name: 'A', password: 'password123' }],
        ['GET', '/companies'],
        ['GET', '/bookings'],
        ['GET', '/disputes']
      ]
      for (const [method, path, body] of calls) {
        const response = await http<ErrorBody>(server.url, method, path, { body })
        expectStatus(response, 401, `${method} ${path}`)
        assert.strictEqual(response.body.name, 'NotAuthenticated')
      }
      const stored = await server.app
        .get('postgresqlClient')('chat_participants')
        .where({ id: scene.workerParticipantId })
        .first()
      assert.strictEqual(stored.muted, false)
    })

    it('accepts a token it signed itself (control for the forged and expired cases)', async () => {
      const token = await createToken(scene.world.worker)
      const response = await http(server.url, 'GET', `/messages?channel_id=${scene.channelId}`, { token })
      expectStatus(response, 200, 'self-signed token')
      const client = await socketClient(server.url)
      await client.authenticate({ strategy: 'jwt', accessToken: token })
      const found = await client.service('messages').find({ query: { channel_id: scene.channelId } })
      assert.ok(found.data.length > 0)
    })

    it('refuses a forged token (signed with another secret) with 401', async () => {
      const forged = await createToken(scene.admin, {}, 'some-other-secret-entirely')
      const client = await expectRefusedEverywhere(forged, 'forged token')
      await rejectsWith(
        401,
        () => client.service('messages').find({ query: { channel_id: scene.channelId } }),
        'after failed auth'
      )
    })

    it('refuses an expired token with 401', async () => {
      const expired = await createToken(scene.world.worker, { expiresIn: -60 })
      await expectRefusedEverywhere(expired, 'expired token')
    })

    it('refuses a garbage bearer token and a wrong password with 401', async () => {
      expectStatus(await http(server.url, 'GET', '/channels', { token: 'not.a.jwt' }), 401, 'garbage token')
      expectStatus(
        await http(server.url, 'POST', '/authentication', {
          body: { strategy: 'local', email: scene.world.worker.email, password: 'wrong password' }
        }),
        401,
        'wrong password'
      )
    })
  })
})
