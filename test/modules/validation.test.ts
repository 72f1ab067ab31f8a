import assert from 'assert'
import { useServer } from '../helpers/app'
import { buildBooking, openBookingChannel } from '../helpers/factories'
import type { BookingWorld } from '../helpers/factories'
import { http, login, socketClient, socketOf } from '../helpers/clients'
import type { ClientApplication } from '../../src/client'
import { failure, rejectsWith } from '../helpers/assertions'
import { countMessages } from '../helpers/database'
import { assertCleanErrorBody } from '../helpers/transport-calls'

function expectHttpError(response: { status: number; body: any }, status: number, what = '') {
  assert.strictEqual(response.status, status, `${what}: expected HTTP ${status}, got ${response.status} ${JSON.stringify(response.body)}`)
  assertCleanErrorBody(response.body, status, what)
}

/** Emits a raw Socket.io service call, as any client could, and resolves with [error, result]. */
function rawCall(client: ClientApplication, method: string, path: string, ...args: unknown[]): Promise<[any, any]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within 5 s`)), 5000)
    socketOf(client).emit(method, path, ...args, (error: any, result: any) => {
      clearTimeout(timer)
      resolve([error, result])
    })
  })
}

describe('validation and errors', () => {
  const server = useServer()
  let world: BookingWorld
  let channelId: number
  let messageId: number
  let participantId: number
  let worker: ClientApplication
  let token: string

  const db = () => server.app.get('postgresqlClient')
  const channelCount = async () => Number((await db()('chat_channels').count({ n: '*' }))[0].n)

  before(async () => {
    world = await buildBooking(server.app)
    const channel = await openBookingChannel(server.app, world)
    channelId = channel.id
    const message = await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'first' }, { user: world.worker })
    messageId = message.id
    const participants = await server.app.service('participants').find({ query: { channel_id: channelId } })
    participantId = participants.data.find((p) => p.user_id === world.worker.id)!.id
    worker = await socketClient(server.url, world.worker)
    token = await login(server.url, world.worker)
  })

  describe('message data', () => {
    const serverOwned: [string, unknown][] = [
      ['sender_id', 1],
      ['seq', 99],
      ['created_at', '2020-01-01T00:00:00.000Z'],
      ['is_deleted', true],
      ['deleted_at', null],
      ['id', 12345],
      ['foo', 'bar']
    ]

    it('refuses server-owned and unknown fields with 400 over Socket.io and writes nothing', async () => {
      for (const [field, value] of serverOwned) {
        const before = await countMessages(server, channelId)
        const error = await rejectsWith(
          400,
          () => worker.service('messages').create({ channel_id: channelId, content: 'hello', [field]: value } as any),
          `socket ${field}`
        )
        assert.strictEqual(error.name, 'BadRequest', field)
        assert.ok(
          JSON.stringify({ message: error.message, data: error.data }).includes(field),
          `the error names the field '${field}': ${error.message} ${JSON.stringify(error.data)}`
        )
        assert.strictEqual(await countMessages(server, channelId), before, `${field}: no row written`)
      }
    })

    it('refuses server-owned and unknown fields with 400 over HTTP and writes nothing', async () => {
      for (const [field, value] of serverOwned) {
        const before = await countMessages(server, channelId)
        const response = await http(server.url, 'POST', '/messages', {
          token,
          body: { channel_id: channelId, content: 'hello', [field]: value }
        })
        expectHttpError(response, 400, `HTTP ${field}`)
        assert.strictEqual(await countMessages(server, channelId), before, `${field}: no row written`)
      }
    })

    it('refuses unknown fields in the context form too, without opening a channel', async () => {
      const other = await buildBooking(server.app)
      const client = await socketClient(server.url, other.worker)
      const channelsBefore = await channelCount()
      await rejectsWith(
        400,
        () =>
          client
            .service('messages')
            .create({ context_type: 'booking', context_id: other.booking.id, content: 'hi', sender_id: 1 } as any),
        'context form with sender_id'
      )
      assert.strictEqual(await channelCount(), channelsBefore, 'no channel opened')
      const rows = await db()('chat_channels').where({ context_type: 'booking', context_id: other.booking.id })
      assert.deepStrictEqual(rows, [])
    })

    it('refuses wrong types with 400', async () => {
      const before = await countMessages(server, channelId)
      const cases: [string, unknown][] = [
        ['content as number', { channel_id: channelId, content: 42 }],
        ['content as object', { channel_id: channelId, content: { text: 'hi' } }],
        ['content missing', { channel_id: channelId }],
        ['channel_id as "abc"', { channel_id: 'abc', content: 'hi' }],
        ['client_id as number', { channel_id: channelId, content: 'hi', client_id: 7 }],
        ['context_type unknown', { context_type: 'invoice', context_id: world.booking.id, content: 'hi' }]
      ]
      for (const [label, data] of cases) {
        await rejectsWith(400, () => worker.service('messages').create(data as any), `socket ${label}`)
        expectHttpError(await http(server.url, 'POST', '/messages', { token, body: data }), 400, `HTTP ${label}`)
      }
      assert.strictEqual(await countMessages(server, channelId), before, 'no row written')
    })

    it('refuses an array of messages (no multi create) with a client error, not 500', async () => {
      const before = await countMessages(server, channelId)
      const data = [{ channel_id: channelId, content: 'one' }, { channel_id: channelId, content: 'two' }]
      const error = await failure(() => worker.service('messages').create(data as any))
      assert.ok([400, 405].includes(error.code), `socket: ${error.code} ${error.message}`)
      const response = await http(server.url, 'POST', '/messages', { token, body: data })
      assert.ok([400, 405].includes(response.status), `HTTP: ${response.status} ${response.text}`)
      assertCleanErrorBody(response.body, response.status, 'HTTP array')
      assert.strictEqual(await countMessages(server, channelId), before, 'no row written')
    })

    it('accepts a client_id of 64 characters and refuses 65 with 400', async () => {
      const before = await countMessages(server, channelId)
      const ok = await worker
        .service('messages')
        .create({ channel_id: channelId, content: 'with id', client_id: 'k'.repeat(64) })
      assert.strictEqual(ok.client_id, 'k'.repeat(64))
      await rejectsWith(
        400,
        () => worker.service('messages').create({ channel_id: channelId, content: 'with id', client_id: 'k'.repeat(65) }),
        'socket 65'
      )
      expectHttpError(
        await http(server.url, 'POST', '/messages', {
          token,
          body: { channel_id: channelId, content: 'with id', client_id: 'z'.repeat(200) }
        }),
        400,
        'HTTP 200'
      )
      assert.strictEqual(await countMessages(server, channelId), before + 1, 'only the valid one was written')
    })

    it('refuses channel_id together with a context, and neither, with 400', async () => {
      const before = await countMessages(server, channelId)
      await rejectsWith(
        400,
        () =>
          worker.service('messages').create({
            channel_id: channelId,
            context_type: 'booking',
            context_id: world.booking.id,
            content: 'both'
          }),
        'both'
      )
      await rejectsWith(
        400,
        () => worker.service('messages').create({ channel_id: channelId, context_type: 'booking', content: 'half' }),
        'channel_id and context_type'
      )
      await rejectsWith(400, () => worker.service('messages').create({ content: 'neither' }), 'neither')
      await rejectsWith(
        400,
        () => worker.service('messages').create({ context_type: 'booking', content: 'no id' }),
        'context_type only'
      )
      expectHttpError(await http(server.url, 'POST', '/messages', { token, body: { content: 'neither' } }), 400, 'HTTP neither')
      expectHttpError(
        await http(server.url, 'POST', '/messages', {
          token,
          body: { channel_id: channelId, context_type: 'booking', context_id: world.booking.id, content: 'both' }
        }),
        400,
        'HTTP both'
      )
      assert.strictEqual(await countMessages(server, channelId), before, 'no row written')
    })
  })

  describe('queries', () => {
    it('refuses unknown query fields and operators with 400', async () => {
      const socketCases: [string, () => Promise<unknown>][] = [
        ['messages foo', () => worker.service('messages').find({ query: { channel_id: channelId, foo: 1 } as any })],
        ['messages $select', () => worker.service('messages').find({ query: { channel_id: channelId, $select: ['content'] } as any })],
        ['messages seq.$ne', () => worker.service('messages').find({ query: { channel_id: channelId, seq: { $ne: 1 } } as any })],
        ['messages content', () => worker.service('messages').find({ query: { channel_id: channelId, content: 'first' } as any })],
        ['messages $sort unknown', () => worker.service('messages').find({ query: { channel_id: channelId, $sort: { content: 1 } } as any })],
        ['channels bar', () => worker.service('channels').find({ query: { bar: 1 } as any })],
        ['participants baz', () => worker.service('participants').find({ query: { channel_id: channelId, baz: true } as any })]
      ]
      for (const [label, call] of socketCases) await rejectsWith(400, call, `socket ${label}`)

      const httpCases = [
        `/messages?channel_id=${channelId}&foo=1`,
        `/messages?channel_id=${channelId}&seq[$ne]=1`,
        `/messages?channel_id=abc`,
        `/channels?bar=1`,
        `/channels?context_type=invoice`,
        `/participants?channel_id=${channelId}&baz=1`
      ]
      for (const path of httpCases) expectHttpError(await http(server.url, 'GET', path, { token }), 400, `GET ${path}`)
    })

    it('refuses a find without channel_id with 400', async () => {
      await rejectsWith(400, () => worker.service('messages').find({ query: {} as any }), 'socket messages')
      await rejectsWith(400, () => worker.service('participants').find({ query: {} as any }), 'socket participants')
      expectHttpError(await http(server.url, 'GET', '/messages', { token }), 400, 'GET /messages')
    })

    it('caps $limit at 100', async () => {
      const other = await buildBooking(server.app)
      const channel = await openBookingChannel(server.app, other)
      for (let i = 0; i < 105; i++) {
        await server.app.service('messages').create({ channel_id: channel.id, content: `m${i}` }, { user: other.worker })
      }
      const client = await socketClient(server.url, other.supervisor)
      const page = await client.service('messages').find({ query: { channel_id: channel.id, $limit: 1000 } })
      assert.strictEqual(page.data.length, 100)
      assert.strictEqual(page.limit, 100)
      assert.strictEqual(page.total, 105)
      assert.strictEqual(page.data[0].seq, 105)

      const otherToken = await login(server.url, other.supervisor)
      const viaHttp = await http(server.url, 'GET', `/messages?channel_id=${channel.id}&$limit=101`, { token: otherToken })
      assert.strictEqual(viaHttp.status, 200)
      assert.strictEqual(viaHttp.body.data.length, 100)
      assert.strictEqual(viaHttp.body.limit, 100)

      const byDefault = await client.service('messages').find({ query: { channel_id: channel.id } })
      assert.strictEqual(byDefault.data.length, 50)
    })
  })

  describe('methods that do not exist', () => {
    const refused = () =>
      [
        ['update', 'messages', 'PUT', `/messages/${messageId}`, [messageId, { channel_id: channelId, content: 'rewritten' }, {}]],
        ['patch', 'messages', 'PATCH', `/messages/${messageId}`, [messageId, { content: 'rewritten' }, {}]],
        ['update', 'channels', 'PUT', `/channels/${channelId}`, [channelId, { context_type: 'booking', context_id: 1 }, {}]],
        ['patch', 'channels', 'PATCH', `/channels/${channelId}`, [channelId, { status: 'frozen' }, {}]],
        ['remove', 'channels', 'DELETE', `/channels/${channelId}`, [channelId, {}]],
        ['create', 'participants', 'POST', '/participants', [{ channel_id: channelId, user_id: world.outsider.id, role: 'worker' }, {}]],
        ['update', 'participants', 'PUT', `/participants/${participantId}`, [participantId, { muted: true }, {}]],
        ['remove', 'participants', 'DELETE', `/participants/${participantId}`, [participantId, {}]]
      ] as const

    const snapshot = async () => ({
      message: await db()('chat_messages').where({ id: messageId }).first('content', 'is_deleted'),
      channel: await db()('chat_channels').where({ id: channelId }).first('status', 'context_id'),
      participants: await db()('chat_participants').where({ channel_id: channelId }).orderBy('id').select('id', 'user_id', 'removed_at', 'muted')
    })

    it('answers 405 over REST and changes nothing', async () => {
      const before = await snapshot()
      for (const [method, , verb, path, args] of refused()) {
        const body = verb === 'DELETE' ? undefined : verb === 'POST' ? args[0] : args[1]
        const response = await http(server.url, verb, path, { token, body })
        expectHttpError(response, 405, `${verb} ${path} (${method})`)
      }
      assert.deepStrictEqual(await snapshot(), before)
    })

    it('answers 405 over Socket.io and changes nothing', async () => {
      const before = await snapshot()
      const answers = await Promise.all(
        refused().map(async ([method, path, , , args]) => {
          try {
            const [error] = await rawCall(worker, method, path, ...args)
            if (error?.code !== 405) return `${method} ${path}: answered ${JSON.stringify(error)}`
            assertCleanErrorBody(error, 405, `socket ${method} ${path}`)
            return null
          } catch (noAnswer: any) {
            return `${method} ${path}: ${noAnswer.message} (expected a 405 error)`
          }
        })
      )
      // Through the typed client as well, as an app developer would try it
      const typed: [string, () => Promise<unknown>][] = [
        ['client messages.patch', () => (worker.service('messages') as any).patch(messageId, { content: 'x' })],
        ['client channels.remove', () => (worker.service('channels') as any).remove(channelId)],
        ['client participants.create', () => (worker.service('participants') as any).create({ channel_id: channelId })]
      ]
      for (const [label, call] of typed) {
        const error = await failure(call)
        if (error.code !== 405) answers.push(`${label}: ${error.code} ${error.message}`)
      }
      assert.deepStrictEqual(answers.filter(Boolean), [])
      assert.deepStrictEqual(await snapshot(), before)
    })
  })

  describe('HTTP bodies and error shapes', () => {
    it('answers malformed JSON with 400, not 500', async () => {
      const before = await countMessages(server, channelId)
      for (const body of ['{"channel_id": 1, "content": ', '{not json}', '[1, 2', '"unterminated']) {
        const response = await http(server.url, 'POST', '/messages', { token, body })
        expectHttpError(response, 400, `malformed ${body}`)
      }
      assert.strictEqual(await countMessages(server, channelId), before)
    })

    it('gives every error a Feathers body without a stack trace', async () => {
      const cases: [number, string, string, unknown, string | undefined][] = [
        [400, 'POST', '/messages', { channel_id: channelId, content: 'x', foo: 1 }, token],
        [400, 'POST', '/messages', { channel_id: channelId, content: '   ' }, token],
        [401, 'GET', `/messages?channel_id=${channelId}`, undefined, undefined],
        [403, 'GET', `/messages?channel_id=${channelId}`, undefined, await login(server.url, world.outsider)],
        [404, 'GET', '/messages/987654321', undefined, token],
        [404, 'GET', '/no-such-service', undefined, token],
        [405, 'PATCH', `/messages/${messageId}`, { content: 'y' }, token]
      ]
      for (const [status, method, path, body, bearer] of cases) {
        const response = await http(server.url, method, path, { token: bearer, body })
        expectHttpError(response, status, `${method} ${path}`)
      }
      // The names and classes are the standard Feathers ones
      const bad = await http(server.url, 'POST', '/messages', { token, body: { content: 42, channel_id: channelId } })
      assert.strictEqual(bad.body.name, 'BadRequest')
      assert.strictEqual(bad.body.className, 'bad-request')
    })

    it('gives Socket.io errors the same shape, without a stack trace', async () => {
      const [error] = await rawCall(worker, 'create', 'messages', { channel_id: channelId, content: 'x', foo: 1 }, {})
      assertCleanErrorBody(error, 400, 'socket create with foo')
      assert.strictEqual(error.name, 'BadRequest')
      const [forbidden] = await rawCall(worker, 'get', 'messages', 987654321, {})
      assertCleanErrorBody(forbidden, 404, 'socket get unknown')
    })

    it('refuses a body over 64 KB over HTTP (413 or 400) and keeps serving', async () => {
      const before = await countMessages(server, channelId)
      const response = await http(server.url, 'POST', '/messages', {
        token,
        body: { channel_id: channelId, content: 'x'.repeat(70 * 1024) }
      })
      assert.ok([400, 413].includes(response.status), `status ${response.status} ${response.text.slice(0, 200)}`)
      assertCleanErrorBody(response.body, response.status, 'huge body')
      assert.strictEqual(await countMessages(server, channelId), before)

      const health = await http(server.url, 'GET', '/health')
      assert.strictEqual(health.status, 200)
      const sent = await http(server.url, 'POST', '/messages', { token, body: { channel_id: channelId, content: 'still here' } })
      assert.strictEqual(sent.status, 201)
      assert.strictEqual(sent.body.content, 'still here')
    })

    it('refuses a message over 64 KB over Socket.io without crashing and keeps serving', async () => {
      const client = await socketClient(server.url, world.worker)
      const socket = socketOf(client)
      const before = await countMessages(server, channelId)
      const outcome = await new Promise<{ error?: any; disconnected?: boolean }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('neither an answer nor a disconnect')), 5000)
        socket.once('disconnect', () => {
          clearTimeout(timer)
          resolve({ disconnected: true })
        })
        socket.emit('create', 'messages', { channel_id: channelId, content: 'x'.repeat(70 * 1024) }, {}, (error: any) => {
          clearTimeout(timer)
          resolve({ error })
        })
      })
      if (!outcome.disconnected) {
        assert.ok(outcome.error, 'the oversized message was refused')
        assert.ok([400, 413].includes(outcome.error.code), JSON.stringify(outcome.error))
      }
      assert.strictEqual(await countMessages(server, channelId), before)
      assert.strictEqual((await http(server.url, 'GET', '/health')).status, 200)
      const fresh = await socketClient(server.url, world.worker)
      const sent = await fresh.service('messages').create({ channel_id: channelId, content: 'after the big one' })
      assert.strictEqual(sent.content, 'after the big one')
    })
  })
})
