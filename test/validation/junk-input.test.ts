import assert from 'assert'
import zlib from 'zlib'
import { useServer } from '../helpers/app'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import { http, login } from '../helpers/clients'
import { assertCleanErrorBody, emitCall, rawSocket, restCall } from '../helpers/transport-calls'
import { LEAP_SECOND, PROTOTYPE_NAMES } from '../helpers/junk'
import type { ErrorBody } from '../helpers/clients'

describe('junk that used to be answered with 500', () => {
  const server = useServer()
  let world: BookingWorld
  let token: string
  let participantId: number

  before(async () => {
    const opened = await bookingChannel(server.app)
    world = opened.world
    const { channel } = opened
    token = await login(server.url, world.worker)
    const own = await server.app
      .service('participants')
      .find({ query: { channel_id: channel.id, user_id: world.worker.id } })
    participantId = own.data[0].id
  })

  it('answers Object.prototype names as service paths with 404, over REST and Socket.io', async () => {
    assert.ok(PROTOTYPE_NAMES.includes('constructor') && PROTOTYPE_NAMES.includes('__proto__'))
    const socket = await rawSocket(server.url)
    for (const name of PROTOTYPE_NAMES) {
      for (const path of [name, `messages/${name}/x`, `${name}/messages`]) {
        assertCleanErrorBody((await http(server.url, 'GET', `/${path}`)).body, 404, `GET /${path}`)
        const [error] = await emitCall(socket, 'find', path, {})
        assertCleanErrorBody(error, 404, `Socket.io find ${path}`)
      }
    }
    socket.close()
  })

  it('answers a Socket.io event named like an Object.prototype member, or no method at all, with 405', async () => {
    const socket = await rawSocket(server.url, token)
    for (const event of [...PROTOTYPE_NAMES, 'findd', 'typing ']) {
      const [error] = await emitCall(socket, event, 'messages', {})
      assertCleanErrorBody(error, 405, `event ${event}`)
    }
    const [, page] = await emitCall<{ data: unknown }>(socket, 'find', 'users', {})
    assert.ok(Array.isArray(page.data), 'real methods still answer')
    socket.close()
  })

  it('answers Object.prototype names as ids with a 4xx, never a TypeError', async () => {
    const socket = await rawSocket(server.url, token)
    for (const name of PROTOTYPE_NAMES) {
      for (const path of ['messages', 'bookings', 'users', 'participants']) {
        const { status, body } = await http(server.url, 'GET', `/${path}/${name}`, { token })
        assert.ok(status >= 400 && status < 500, `GET /${path}/${name}: ${status}`)
        assertCleanErrorBody(body, status, `GET /${path}/${name}`)
        const [error] = await emitCall(socket, 'get', path, name, {})
        assertCleanErrorBody(error, error?.code, `Socket.io get ${path} ${name}`)
      }
    }
    socket.close()
  })

  it('answers a body that is not compressed as its Content-Encoding says with 400', async () => {
    const body = JSON.stringify({ channel_id: 1, content: 'hello' })
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const response = await restCall(server.url, {
        method: 'create',
        path: 'messages',
        body,
        token,
        headers: { 'Content-Encoding': encoding }
      })
      assertCleanErrorBody(response.body, 400, `Content-Encoding: ${encoding}`)
    }
    // A body that is compressed as it says is read
    const response = await restCall<ErrorBody>(server.url, {
      method: 'create',
      path: 'messages',
      body: zlib.gzipSync(JSON.stringify({ channel_id: 'x', content: 'hello' })),
      token,
      headers: { 'Content-Encoding': 'gzip' }
    })
    assert.strictEqual(response.status, 400)
    assert.match(JSON.stringify(response.body.data), /channel_id/)
  })

  it('answers a logout without a token with 401, with or without an id, over REST and Socket.io', async () => {
    for (const path of ['/authentication', '/authentication/x', '/authentication/1']) {
      assertCleanErrorBody((await http(server.url, 'DELETE', path)).body, 401, `DELETE ${path}`)
    }
    const socket = await rawSocket(server.url)
    for (const id of [null, 'x'])
      assertCleanErrorBody(
        (await emitCall(socket, 'remove', 'authentication', id, {}))[0],
        401,
        `remove ${id}`
      )
    socket.close()
  })

  it('refuses a leap second or an impossible date in any date-time, in data and in queries, with 400', async () => {
    const before = await server.app.service('participants').get(participantId)
    for (const last_read_at of [LEAP_SECOND, '2016-02-30T00:00:00Z', 'yesterday']) {
      const response = await http(server.url, 'PATCH', `/participants/${participantId}`, {
        token,
        body: { last_read_at }
      })
      assertCleanErrorBody(response.body, 400, `last_read_at ${last_read_at}`)
    }
    assert.deepStrictEqual(await server.app.service('participants').get(participantId), before)
    const query = `/device-tokens?created_at[$gt]=${encodeURIComponent(LEAP_SECOND)}`
    assertCleanErrorBody((await http(server.url, 'GET', query, { token })).body, 400, query)
    const fine = await http(server.url, 'GET', '/device-tokens?created_at[$gt]=2016-12-31T23:59:59Z', {
      token
    })
    assert.strictEqual(fine.status, 200, fine.text)
  })
})
