import assert from 'assert'
import { useServer } from '../helpers/app'
import type { BookingWorld } from '../helpers/factories'
import { bookingWorld } from '../helpers/fixtures'
import { http, socketClient } from '../helpers/clients'
import type { ClientApplication } from '../../src/client'
import { failure, rejectsWith } from '../helpers/assertions'
import { countMessages } from '../helpers/database'
import { assertCleanErrorBody } from '../helpers/transport-calls'
import { buildValidationScene, expectHttpError } from './scene'

describe('validation and errors', () => {
  const server = useServer()
  let world: BookingWorld
  let channelId: number
  let worker: ClientApplication
  let token: string

  const db = () => server.app.get('postgresqlClient')
  const channelCount = async () => Number((await db()('chat_channels').count({ n: '*' }))[0].n)

  before(async () => {
    ;({ world, channelId, worker, token } = await buildValidationScene(server))
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
          () =>
            worker
              .service('messages')
              .create({ channel_id: channelId, content: 'hello', [field]: value } as any),
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
      const other = await bookingWorld(server.app)
      const client = await socketClient(server.url, other.worker)
      const channelsBefore = await channelCount()
      await rejectsWith(
        400,
        () =>
          client.service('messages').create({
            context_type: 'booking',
            context_id: other.booking.id,
            content: 'hi',
            sender_id: 1
          } as any),
        'context form with sender_id'
      )
      assert.strictEqual(await channelCount(), channelsBefore, 'no channel opened')
      const rows = await db()('chat_channels').where({
        context_type: 'booking',
        context_id: other.booking.id
      })
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
        expectHttpError(
          await http(server.url, 'POST', '/messages', { token, body: data }),
          400,
          `HTTP ${label}`
        )
      }
      assert.strictEqual(await countMessages(server, channelId), before, 'no row written')
    })

    it('refuses an array of messages (no multi create) with a client error, not 500', async () => {
      const before = await countMessages(server, channelId)
      const data = [
        { channel_id: channelId, content: 'one' },
        { channel_id: channelId, content: 'two' }
      ]
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
        () =>
          worker
            .service('messages')
            .create({ channel_id: channelId, content: 'with id', client_id: 'k'.repeat(65) }),
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
        () =>
          worker
            .service('messages')
            .create({ channel_id: channelId, context_type: 'booking', content: 'half' }),
        'channel_id and context_type'
      )
      await rejectsWith(400, () => worker.service('messages').create({ content: 'neither' }), 'neither')
      await rejectsWith(
        400,
        () => worker.service('messages').create({ context_type: 'booking', content: 'no id' }),
        'context_type only'
      )
      expectHttpError(
        await http(server.url, 'POST', '/messages', { token, body: { content: 'neither' } }),
        400,
        'HTTP neither'
      )
      expectHttpError(
        await http(server.url, 'POST', '/messages', {
          token,
          body: {
            channel_id: channelId,
            context_type: 'booking',
            context_id: world.booking.id,
            content: 'both'
          }
        }),
        400,
        'HTTP both'
      )
      assert.strictEqual(await countMessages(server, channelId), before, 'no row written')
    })
  })
})
