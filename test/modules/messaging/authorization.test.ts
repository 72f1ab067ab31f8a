import assert from 'assert'
import { useServer } from '../../helpers/app'
import { buildAdmin, buildBooking, buildUser, openBookingChannel } from '../../helpers/factories'
import type { BookingWorld, TestUser } from '../../helpers/factories'
import { http, login, socketClient } from '../../helpers/clients'
import type { ClientApplication } from '../../../src/client'
import { rejectsWith } from '../../helpers/assertions'
import { countMessages } from '../../helpers/database'

function expectStatus(response: { status: number; body: any }, status: number, what = '') {
  assert.strictEqual(
    response.status,
    status,
    `${what}: expected HTTP ${status}, got ${response.status} ${JSON.stringify(response.body)}`
  )
  if (status >= 400) assert.strictEqual(response.body?.code, status, `${what}: error body code`)
}

describe('authorization', () => {
  const server = useServer()
  let world: BookingWorld
  let otherWorld: BookingWorld
  let admin: TestUser
  let channelId: number
  let messageId: number
  let workerParticipantId: number
  let supervisorParticipantId: number

  before(async () => {
    world = await buildBooking(server.app)
    otherWorld = await buildBooking(server.app)
    admin = await buildAdmin(server.app)
    const channel = await openBookingChannel(server.app, world)
    channelId = channel.id
    const message = await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'Shift starts at eight' }, { user: world.worker })
    messageId = message.id
    const participants = await server.app.service('participants').find({ query: { channel_id: channelId } })
    workerParticipantId = participants.data.find((p) => p.user_id === world.worker.id)!.id
    supervisorParticipantId = participants.data.find((p) => p.user_id === world.supervisor.id)!.id
    // The unrelated user really does participate in a channel of their own
    await openBookingChannel(server.app, otherWorld)
  })

  describe('a non-participant', () => {
    const strangers = () => [
      { label: 'the outsider', who: world.outsider },
      { label: 'a user of an unrelated booking', who: otherWorld.worker }
    ]

    it('is refused every read and write of the channel over Socket.io (403)', async () => {
      for (const { label, who } of strangers()) {
        const client = await socketClient(server.url, who)
        const before = await countMessages(server, channelId)
        await rejectsWith(403, () => client.service('messages').find({ query: { channel_id: channelId } }), `${label} messages.find`)
        await rejectsWith(403, () => client.service('messages').get(messageId), `${label} messages.get`)
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
        await rejectsWith(403, () => client.service('messages').remove(messageId), `${label} messages.remove`)
        await rejectsWith(
          403,
          () => client.service('participants').find({ query: { channel_id: channelId } }),
          `${label} participants.find`
        )
        await rejectsWith(403, () => client.service('participants').get(workerParticipantId), `${label} participants.get`)
        await rejectsWith(403, () => client.service('channels').get(channelId), `${label} channels.get`)
        await rejectsWith(
          403,
          () => client.service('channels').create({ context_type: 'booking', context_id: world.booking.id }),
          `${label} channels.create`
        )
        assert.strictEqual(await countMessages(server, channelId), before, `${label}: nothing was written`)
      }
    })

    it('is refused every read and write of the channel over plain HTTP (403)', async () => {
      for (const { label, who } of strangers()) {
        const token = await login(server.url, who)
        const before = await countMessages(server, channelId)
        expectStatus(await http(server.url, 'GET', `/messages?channel_id=${channelId}`, { token }), 403, `${label} GET /messages`)
        expectStatus(await http(server.url, 'GET', `/messages/${messageId}`, { token }), 403, `${label} GET /messages/:id`)
        expectStatus(
          await http(server.url, 'POST', '/messages', { token, body: { channel_id: channelId, content: 'let me in' } }),
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
        expectStatus(await http(server.url, 'DELETE', `/messages/${messageId}`, { token }), 403, `${label} DELETE /messages/:id`)
        expectStatus(
          await http(server.url, 'GET', `/participants?channel_id=${channelId}`, { token }),
          403,
          `${label} GET /participants`
        )
        expectStatus(await http(server.url, 'GET', `/channels/${channelId}`, { token }), 403, `${label} GET /channels/:id`)
        expectStatus(
          await http(server.url, 'POST', '/channels', {
            token,
            body: { context_type: 'booking', context_id: world.booking.id }
          }),
          403,
          `${label} POST /channels`
        )
        assert.strictEqual(await countMessages(server, channelId), before, `${label}: nothing was written`)
        const removed = await server.app.get('postgresqlClient')('chat_messages').where({ id: messageId }).first()
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
      const own = await (await socketClient(server.url, otherWorld.worker))
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

  describe('a plain user and the admin-only services', () => {
    const attempts = (user: TestUser, other: TestUser) => [
      { label: 'users.create', socket: (c: ClientApplication) => c.service('users').create({ email: `x-${Date.now()}@example.test`, name: 'X', password: 'password123' } as any), http: ['POST', '/users', { email: `y-${Date.now()}@example.test`, name: 'Y', password: 'password123' }] },
      { label: 'users.patch (another user)', socket: (c: ClientApplication) => c.service('users').patch(other.id, { name: 'Renamed' }), http: ['PATCH', `/users/${other.id}`, { name: 'Renamed' }] },
      { label: 'users.patch (own role)', socket: (c: ClientApplication) => c.service('users').patch(user.id, { role: 'admin' }), http: ['PATCH', `/users/${user.id}`, { role: 'admin' }] },
      { label: 'companies.create', socket: (c: ClientApplication) => c.service('companies').create({ name: 'Mine' } as any), http: ['POST', '/companies', { name: 'Mine' }] },
      { label: 'companies.patch', socket: (c: ClientApplication) => c.service('companies').patch(world.borrowerCompanyId, { name: 'Mine' } as any), http: ['PATCH', `/companies/${world.borrowerCompanyId}`, { name: 'Mine' }] },
      { label: 'company-members.create', socket: (c: ClientApplication) => c.service('company-members').create({ company_id: world.borrowerCompanyId, user_id: user.id, role: 'admin' } as any), http: ['POST', '/company-members', { company_id: world.borrowerCompanyId, user_id: user.id, role: 'admin' }] },
      { label: 'company-members.find', socket: (c: ClientApplication) => c.service('company-members').find({}), http: ['GET', '/company-members', undefined] },
      { label: 'bookings.create', socket: (c: ClientApplication) => c.service('bookings').create({ borrower_company_id: world.borrowerCompanyId, lender_company_id: world.lenderCompanyId, worker_id: user.id, supervisor_id: user.id } as any), http: ['POST', '/bookings', { borrower_company_id: world.borrowerCompanyId, lender_company_id: world.lenderCompanyId, worker_id: user.id, supervisor_id: user.id }] },
      { label: 'bookings.patch', socket: (c: ClientApplication) => c.service('bookings').patch(world.booking.id, { worker_id: user.id } as any), http: ['PATCH', `/bookings/${world.booking.id}`, { worker_id: user.id }] },
      { label: 'disputes.create', socket: (c: ClientApplication) => c.service('disputes').create({ booking_id: world.booking.id, party_ids: [user.id] } as any), http: ['POST', '/disputes', { booking_id: world.booking.id, party_ids: [user.id] }] }
    ] as const

    it('is refused (403) over Socket.io and HTTP, and nothing changes', async () => {
      const user = world.borrowerManager
      const other = world.supervisor
      const db = server.app.get('postgresqlClient')
      const counts = async () => {
        const tables = ['users', 'companies', 'company_members', 'bookings', 'disputes']
        const result: Record<string, number> = {}
        for (const table of tables) result[table] = Number((await db(table).count({ n: '*' }))[0].n)
        return result
      }
      const before = await counts()
      const client = await socketClient(server.url, user)
      const token = await login(server.url, user)
      for (const attempt of attempts(user, other)) {
        await rejectsWith(403, () => attempt.socket(client) as Promise<unknown>, `socket ${attempt.label}`)
        const [method, path, body] = attempt.http
        expectStatus(await http(server.url, method, path, { token, body }), 403, `HTTP ${attempt.label}`)
      }
      assert.deepStrictEqual(await counts(), before)
      const stored = await db('users').where({ id: user.id }).first()
      assert.strictEqual(stored.role, 'user')
      assert.strictEqual((await db('users').where({ id: other.id }).first()).name, other.name)
      assert.strictEqual((await db('bookings').where({ id: world.booking.id }).first()).worker_id, world.worker.id)
      assert.strictEqual((await db('companies').where({ id: world.borrowerCompanyId }).first()).name !== 'Mine', true)
    })

    it('may patch their own profile fields, over Socket.io and HTTP', async () => {
      const user = await buildUser(server.app)
      const client = await socketClient(server.url, user)
      const patched = await client.service('users').patch(user.id, { name: 'New Name', timezone: 'Europe/Madrid' })
      assert.strictEqual(patched.name, 'New Name')
      assert.strictEqual(patched.timezone, 'Europe/Madrid')
      assert.strictEqual(patched.role, 'user')
      assert.strictEqual((patched as any).password, undefined)

      const token = await login(server.url, user)
      const response = await http(server.url, 'PATCH', `/users/${user.id}`, {
        token,
        body: { quiet_hours_start: '22:00', quiet_hours_end: '07:00' }
      })
      expectStatus(response, 200, 'PATCH own profile')
      assert.strictEqual(response.body.quiet_hours_start, '22:00')
      const stored = await server.app.get('postgresqlClient')('users').where({ id: user.id }).first()
      assert.strictEqual(stored.name, 'New Name')
      assert.strictEqual(stored.quiet_hours_end, '07:00')
      assert.strictEqual(stored.role, 'user')
    })

    it('cannot raise their own role even together with allowed fields', async () => {
      const user = await buildUser(server.app)
      const client = await socketClient(server.url, user)
      await rejectsWith(403, () => client.service('users').patch(user.id, { name: 'Sneaky', role: 'admin' }), 'socket')
      const stored = await server.app.get('postgresqlClient')('users').where({ id: user.id }).first()
      assert.strictEqual(stored.role, 'user')
      assert.strictEqual(stored.name, user.name)
    })
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
        ['messages.create', () => client.service('messages').create({ channel_id: channelId, content: 'anonymous' })],
        ['channels.find', () => client.service('channels').find({})],
        ['channels.get', () => client.service('channels').get(channelId)],
        ['channels.create', () => client.service('channels').create({ context_type: 'booking', context_id: world.booking.id })],
        ['participants.find', () => client.service('participants').find({ query: { channel_id: channelId } })],
        ['participants.patch', () => client.service('participants').patch(workerParticipantId, { muted: true })],
        ['users.find', () => client.service('users').find({})],
        ['users.create', () => client.service('users').create({ email: 'anon@example.test', name: 'A', password: 'password123' } as any)],
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
      const stored = await server.app.get('postgresqlClient')('chat_participants').where({ id: workerParticipantId }).first()
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
        await http(server.url, 'POST', '/messages', { token: forged, body: { channel_id: channelId, content: 'forged' } }),
        401,
        'forged token POST'
      )
      const client = await socketClient(server.url)
      await rejectsWith(401, () => client.authenticate({ strategy: 'jwt', accessToken: forged }), 'forged token over Socket.io')
      await rejectsWith(401, () => client.service('messages').find({ query: { channel_id: channelId } }), 'after failed auth')
    })

    it('refuses an expired token with 401', async () => {
      const expired = await createToken(world.worker, { expiresIn: -60 })
      const response = await http(server.url, 'GET', `/messages?channel_id=${channelId}`, { token: expired })
      expectStatus(response, 401, 'expired token over HTTP')
      const before = await countMessages(server, channelId)
      expectStatus(
        await http(server.url, 'POST', '/messages', { token: expired, body: { channel_id: channelId, content: 'late' } }),
        401,
        'expired token POST'
      )
      assert.strictEqual(await countMessages(server, channelId), before)
      const client = await socketClient(server.url)
      await rejectsWith(401, () => client.authenticate({ strategy: 'jwt', accessToken: expired }), 'expired token over Socket.io')
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

  describe('admins', () => {
    it('can read any channel, its messages and participants, over Socket.io and HTTP', async () => {
      const client = await socketClient(server.url, admin)
      const channel = await client.service('channels').get(channelId)
      assert.strictEqual(channel.id, channelId)
      const listed = await client
        .service('channels')
        .find({ query: { context_type: 'booking', context_id: world.booking.id } })
      assert.deepStrictEqual(listed.data.map((c) => c.id), [channelId])
      const messages = await client.service('messages').find({ query: { channel_id: channelId } })
      assert.ok(messages.data.some((m) => m.id === messageId))
      assert.strictEqual((await client.service('messages').get(messageId)).id, messageId)
      const participants = await client.service('participants').find({ query: { channel_id: channelId } })
      assert.ok(participants.data.some((p) => p.user_id === world.worker.id))

      const token = await login(server.url, admin)
      expectStatus(await http(server.url, 'GET', `/channels/${channelId}`, { token }), 200, 'admin GET /channels/:id')
      const viaHttp = await http(server.url, 'GET', `/messages?channel_id=${channelId}`, { token })
      expectStatus(viaHttp, 200, 'admin GET /messages')
      assert.ok(viaHttp.body.data.some((m: any) => m.id === messageId))
      expectStatus(await http(server.url, 'GET', `/participants?channel_id=${channelId}`, { token }), 200, 'admin GET /participants')
    })

    it('may use $withDeleted and $withRemoved, and then see what others do not', async () => {
      const other = await buildBooking(server.app)
      const channel = await openBookingChannel(server.app, other)
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

      const client = await socketClient(server.url, admin)
      const normal = await client.service('messages').find({ query: { channel_id: channel.id } })
      const tombstone = normal.data.find((m) => m.id === doomed.id)
      assert.ok(tombstone?.is_deleted && !('content' in tombstone), 'deleted message a tombstone by default')
      const withDeleted = await client.service('messages').find({ query: { channel_id: channel.id, $withDeleted: true } })
      const deleted = withDeleted.data.find((m) => m.id === doomed.id)
      assert.ok(deleted, 'deleted message listed with $withDeleted')
      assert.strictEqual(deleted.is_deleted, true)
      assert.strictEqual(deleted.content, 'regrettable')

      const current = await client.service('participants').find({ query: { channel_id: channel.id } })
      assert.ok(!current.data.some((p) => p.user_id === other.lenderManager.id), 'removed participant hidden by default')
      const withRemoved = await client
        .service('participants')
        .find({ query: { channel_id: channel.id, $withRemoved: true } })
      const removed = withRemoved.data.find((p) => p.user_id === other.lenderManager.id)
      assert.ok(removed, 'removed participant listed with $withRemoved')
      assert.ok(removed.removed_at, 'with its removed_at')

      const token = await login(server.url, admin)
      const viaHttp = await http(server.url, 'GET', `/messages?channel_id=${channel.id}&$withDeleted=true`, { token })
      expectStatus(viaHttp, 200, 'admin $withDeleted over HTTP')
      assert.ok(viaHttp.body.data.some((m: any) => m.id === doomed.id))
    })
  })

  describe('participants and special query flags', () => {
    it('a user cannot patch another participant’s row (403), over Socket.io and HTTP', async () => {
      const client = await socketClient(server.url, world.worker)
      await rejectsWith(403, () => client.service('participants').patch(supervisorParticipantId, { muted: true }), 'socket muted')
      await rejectsWith(
        403,
        () => client.service('participants').patch(supervisorParticipantId, { last_read_seq: 1 }),
        'socket last_read_seq'
      )
      const token = await login(server.url, world.worker)
      expectStatus(
        await http(server.url, 'PATCH', `/participants/${supervisorParticipantId}`, { token, body: { muted: true } }),
        403,
        'HTTP PATCH other participant'
      )
      const stored = await server.app
        .get('postgresqlClient')('chat_participants')
        .where({ id: supervisorParticipantId })
        .first()
      assert.strictEqual(stored.muted, false)
      assert.strictEqual(Number(stored.last_read_seq), 0)
      // Their own row they may patch
      const own = await client.service('participants').patch(workerParticipantId, { muted: true })
      assert.strictEqual(own.muted, true)
      await client.service('participants').patch(workerParticipantId, { muted: false })
    })

    it('an outsider cannot patch any participant row of the channel (403)', async () => {
      const client = await socketClient(server.url, world.outsider)
      await rejectsWith(403, () => client.service('participants').patch(workerParticipantId, { muted: true }), 'outsider patch')
      const stored = await server.app.get('postgresqlClient')('chat_participants').where({ id: workerParticipantId }).first()
      assert.strictEqual(stored.muted, false)
    })

    it('a non-admin participant cannot use $withDeleted or $withRemoved (403)', async () => {
      const client = await socketClient(server.url, world.supervisor)
      await rejectsWith(
        403,
        () => client.service('messages').find({ query: { channel_id: channelId, $withDeleted: true } }),
        'socket $withDeleted'
      )
      await rejectsWith(
        403,
        () => client.service('participants').find({ query: { channel_id: channelId, $withRemoved: true } }),
        'socket $withRemoved'
      )
      const token = await login(server.url, world.supervisor)
      expectStatus(
        await http(server.url, 'GET', `/messages?channel_id=${channelId}&$withDeleted=true`, { token }),
        403,
        'HTTP $withDeleted'
      )
      expectStatus(
        await http(server.url, 'GET', `/participants?channel_id=${channelId}&$withRemoved=true`, { token }),
        403,
        'HTTP $withRemoved'
      )
    })

    it('channels.create for a context that does not exist is 404, for users and admins', async () => {
      const user = await socketClient(server.url, world.worker)
      await rejectsWith(
        404,
        () => user.service('channels').create({ context_type: 'booking', context_id: 987654321 }),
        'user unknown booking'
      )
      await rejectsWith(
        404,
        () => user.service('channels').create({ context_type: 'dispute', context_id: 987654321 }),
        'user unknown dispute'
      )
      const adminClient = await socketClient(server.url, admin)
      await rejectsWith(
        404,
        () => adminClient.service('channels').create({ context_type: 'booking', context_id: 987654321 }),
        'admin unknown booking'
      )
      const token = await login(server.url, admin)
      expectStatus(
        await http(server.url, 'POST', '/channels', { token, body: { context_type: 'dispute', context_id: 987654321 } }),
        404,
        'HTTP unknown dispute'
      )
      const channels = await server.app.get('postgresqlClient')('chat_channels').where({ context_id: 987654321 })
      assert.deepStrictEqual(channels, [])
    })
  })
})
