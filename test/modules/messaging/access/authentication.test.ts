import assert from 'assert'
import { useServer } from '../../../helpers/app'
import type { BookingWorld, TestUser } from '../../../helpers/factories'
import { http, socketClient } from '../../../helpers/clients'
import { rejectsWith } from '../../../helpers/assertions'
import { countMessages } from '../../../helpers/database'
import { buildAuthorizationScene, expectStatus } from './scene'

describe('authorization', () => {
  const server = useServer()
  let world: BookingWorld
  let admin: TestUser
  let channelId: number
  let messageId: number
  let workerParticipantId: number

  before(async () => {
    ;({ world, admin, channelId, messageId, workerParticipantId } = await buildAuthorizationScene(server.app))
  })

  describe('authentication', () => {
    const createToken = (user: TestUser, options: Record<string, unknown> = {}, secret?: string) =>
      server.app
        .service('authentication')
        .createAccessToken({}, { subject: String(user.id), ...options } as any, secret)

    it('refuses unauthenticated calls with 401 over Socket.io', async () => {
      const client = await socketClient(server.url)
      const calls: [string, () => Promise<unknown>][] = [
        ['messages.find', () => client.service('messages').find({ query: { channel_id: channelId } })],
        ['messages.get', () => client.service('messages').get(messageId)],
        [
          'messages.create',
          () => client.service('messages').create({ channel_id: channelId, content: 'anonymous' })
        ],
        ['channels.find', () => client.service('channels').find({})],
        ['channels.get', () => client.service('channels').get(channelId)],
        [
          'channels.create',
          () => client.service('channels').create({ context_type: 'booking', context_id: world.booking.id })
        ],
        [
          'participants.find',
          () => client.service('participants').find({ query: { channel_id: channelId } })
        ],
        [
          'participants.patch',
          () => client.service('participants').patch(workerParticipantId, { muted: true })
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
      const before = await countMessages(server, channelId)
      for (const [label, call] of calls) {
        const error = await rejectsWith(401, call, label)
        assert.strictEqual(error.name, 'NotAuthenticated', label)
      }
      assert.strictEqual(await countMessages(server, channelId), before)
    })

    it('refuses unauthenticated calls with 401 over HTTP', async () => {
      const calls: [string, string, unknown?][] = [
        ['GET', `/messages?channel_id=${channelId}`],
        ['GET', `/messages/${messageId}`],
        ['POST', '/messages', { channel_id: channelId, content: 'anonymous' }],
        ['DELETE', `/messages/${messageId}`],
        ['GET', '/channels'],
        ['GET', `/channels/${channelId}`],
        ['POST', '/channels', { context_type: 'booking', context_id: world.booking.id }],
        ['GET', `/participants?channel_id=${channelId}`],
        ['PATCH', `/participants/${workerParticipantId}`, { muted: true }],
        ['GET', '/users'],
        ['POST', '/users', { email: 'anon@example.test', name: 'A', password: 'password123' }],
        ['GET', '/companies'],
        ['GET', '/bookings'],
        ['GET', '/disputes']
      ]
      for (const [method, path, body] of calls) {
        const response = await http(server.url, method, path, { body })
        expectStatus(response, 401, `${method} ${path}`)
        assert.strictEqual(response.body.name, 'NotAuthenticated')
      }
      const stored = await server.app
        .get('postgresqlClient')('chat_participants')
        .where({ id: workerParticipantId })
        .first()
      assert.strictEqual(stored.muted, false)
    })

    it('accepts a token it signed itself (control for the forged and expired cases)', async () => {
      const token = await createToken(world.worker)
      const response = await http(server.url, 'GET', `/messages?channel_id=${channelId}`, { token })
      expectStatus(response, 200, 'self-signed token')
      const client = await socketClient(server.url)
      await client.authenticate({ strategy: 'jwt', accessToken: token })
      const found = await client.service('messages').find({ query: { channel_id: channelId } })
      assert.ok(found.data.length > 0)
    })

    it('refuses a forged token (signed with another secret) with 401', async () => {
      const forged = await createToken(admin, {}, 'some-other-secret-entirely')
      const response = await http(server.url, 'GET', `/messages?channel_id=${channelId}`, { token: forged })
      expectStatus(response, 401, 'forged token over HTTP')
      expectStatus(
        await http(server.url, 'POST', '/messages', {
          token: forged,
          body: { channel_id: channelId, content: 'forged' }
        }),
        401,
        'forged token POST'
      )
      const client = await socketClient(server.url)
      await rejectsWith(
        401,
        () => client.authenticate({ strategy: 'jwt', accessToken: forged }),
        'forged token over Socket.io'
      )
      await rejectsWith(
        401,
        () => client.service('messages').find({ query: { channel_id: channelId } }),
        'after failed auth'
      )
    })

    it('refuses an expired token with 401', async () => {
      const expired = await createToken(world.worker, { expiresIn: -60 })
      const response = await http(server.url, 'GET', `/messages?channel_id=${channelId}`, { token: expired })
      expectStatus(response, 401, 'expired token over HTTP')
      const before = await countMessages(server, channelId)
      expectStatus(
        await http(server.url, 'POST', '/messages', {
          token: expired,
          body: { channel_id: channelId, content: 'late' }
        }),
        401,
        'expired token POST'
      )
      assert.strictEqual(await countMessages(server, channelId), before)
      const client = await socketClient(server.url)
      await rejectsWith(
        401,
        () => client.authenticate({ strategy: 'jwt', accessToken: expired }),
        'expired token over Socket.io'
      )
    })

    it('refuses a garbage bearer token and a wrong password with 401', async () => {
      expectStatus(await http(server.url, 'GET', '/channels', { token: 'not.a.jwt' }), 401, 'garbage token')
      expectStatus(
        await http(server.url, 'POST', '/authentication', {
          body: { strategy: 'local', email: world.worker.email, password: 'wrong password' }
        }),
        401,
        'wrong password'
      )
    })
  })
})
