import assert from 'assert'
import { io } from 'socket.io-client'
import { useServer } from '../helpers/app'
import { buildAdmin, buildUser } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import { http, login, socketClient, waitUntil } from '../helpers/clients'
import { countMessages } from '../helpers/database'
import type { Paginated } from '@feathersjs/feathers'
import type { ErrorBody } from '../helpers/clients'
import type { User } from '../../src/client'

describe('hardening against hostile input', () => {
  const server = useServer({
    connections: {
      per_ip_per_minute: 2,
      trust_proxy: true,
      max_buffered_packets: 1000,
      max_delivery_lag_ms: 5000
    }
  })
  let world: BookingWorld
  let channelId: number
  let token: string

  before(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
    token = await login(server.url, world.worker)
  })

  it('refuses query operators in place of a login email', async () => {
    const admin = await buildAdmin(server.app)
    for (const email of [{ $ne: 'nobody@example.test' }, { $gte: 'a' }, ['x'], 42]) {
      const attempt = await http(server.url, 'POST', '/authentication', {
        body: { strategy: 'local', email, password: admin.password }
      })
      assert.strictEqual(attempt.status, 401, JSON.stringify(email))
    }
  })

  it('does not let people search others by email, nor see their private fields', async () => {
    const target = await buildUser(server.app, {
      phone: '+15558880000',
      quiet_hours_start: '22:00',
      quiet_hours_end: '07:00'
    })
    const byEmail = await http(server.url, 'GET', `/users?email=${encodeURIComponent(target.email)}`, {
      token
    })
    assert.strictEqual(byEmail.status, 400)
    const range = await http(server.url, 'GET', `/users?id=${target.id}&email[$gte]=a`, { token })
    assert.strictEqual(range.status, 400)
    const seen = await http<Record<string, unknown>>(server.url, 'GET', `/users/${target.id}`, { token })
    assert.deepStrictEqual(Object.keys(seen.body).sort(), ['id', 'name', 'role', 'timezone'])
    // Whether the number is confirmed is as private as the number: its owner sees both
    const own = await http<User>(server.url, 'GET', `/users/${target.id}`, {
      token: await login(server.url, target)
    })
    assert.strictEqual(own.body.phone, '+15558880000')
    assert.ok(own.body.phone_confirmed_at, own.text)
    const byName = await http<Paginated<User>>(
      server.url,
      'GET',
      `/users?name=${encodeURIComponent(target.name)}`,
      { token }
    )
    assert.deepStrictEqual(
      byName.body.data.map((user) => user.id),
      [target.id]
    )
  })

  it('answers NUL characters in data and queries with 400, never 500 or SQL', async () => {
    const before = await countMessages(server, channelId)
    const nulClientId = await http(server.url, 'POST', '/messages', {
      token,
      body: { channel_id: channelId, content: 'hi', client_id: 'a\u0000b' }
    })
    assert.strictEqual(nulClientId.status, 400)
    const nulQuery = await http<ErrorBody>(server.url, 'GET', '/users?name=a%00b', { token })
    assert.strictEqual(nulQuery.status, 400)
    assert.ok(!/select|users/i.test(nulQuery.body.message), nulQuery.body.message)
    // A name is free text: its control characters are removed before it is stored, as in messages
    const nulName = await http<User>(server.url, 'PATCH', `/users/${world.worker.id}`, {
      token,
      body: { name: 'x\u0000y' }
    })
    assert.strictEqual(nulName.status, 200, nulName.text)
    assert.strictEqual(nulName.body.name, 'xy')
    assert.strictEqual(
      (await server.app.get('postgresqlClient')('users').where({ id: world.worker.id }).first('name')).name,
      'xy'
    )
    assert.strictEqual(await countMessages(server, channelId), before)
  })

  it('answers an empty $sort with 400 and an unknown channel with 403 for outsiders', async () => {
    const client = await socketClient(server.url, world.worker)
    await assert.rejects(
      client.service('channels').find({ query: { $sort: {} } as any }),
      (error: any) => error.code === 400
    )
    await assert.rejects(client.service('channels').get(987654321), (error: any) => error.code === 403)
  })

  it('refuses markup nested deeper than real text needs, quickly, with 400', async () => {
    const nested = await http(server.url, 'POST', '/messages', {
      token,
      body: { channel_id: channelId, content: '<b'.repeat(6000) + '>'.repeat(6000) }
    })
    assert.strictEqual(nested.status, 400)
  })

  it('counts a connection against the address the load balancer appended, not one the client wrote', async () => {
    const connect = (forwardedFor: string) =>
      new Promise<string>((resolve) => {
        const socket = io(server.url, {
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          extraHeaders: { 'x-forwarded-for': forwardedFor }
        })
        socket.on('connect', () => (socket.close(), resolve('connected')))
        socket.on('connect_error', (error: any) => resolve(String(error.data?.code)))
      })
    const outcomes = []
    for (let i = 0; i < 4; i++) outcomes.push(await connect(`10.0.0.${i}, 203.0.113.7`))
    assert.deepStrictEqual(outcomes, ['connected', 'connected', '429', '429'])
  })

  it('counts a connection authenticated by its handshake header as online', async () => {
    const accessToken = await login(server.url, world.supervisor)
    const socket = io(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { authorization: `Bearer ${accessToken}`, 'x-forwarded-for': '198.51.100.9' }
    })
    try {
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()))
      const statuses = () =>
        server.app
          .service('presence')
          .find({ query: { user_id: world.supervisor.id } })
          .then((page) => page.data[0]?.online)
      await waitUntil(statuses, 'the supervisor counts as online')
    } finally {
      socket.close()
    }
  })
})
