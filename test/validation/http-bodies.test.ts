import assert from 'assert'
import { useServer } from '../helpers/app'
import type { BookingWorld } from '../helpers/factories'
import { http, login, socketClient, socketOf } from '../helpers/clients'
import type { ClientApplication, Message } from '../../src/client'
import { countMessages } from '../helpers/database'
import { assertCleanErrorBody } from '../helpers/transport-calls'
import { buildValidationScene, expectHttpError, rawCall } from './scene'
import type { ErrorBody } from '../helpers/clients'

describe('validation and errors', () => {
  const server = useServer()
  let world: BookingWorld
  let channelId: number
  let messageId: number
  let worker: ClientApplication
  let token: string

  before(async () => {
    ;({ world, channelId, messageId, worker, token } = await buildValidationScene(server))
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
      const bad = await http<ErrorBody>(server.url, 'POST', '/messages', {
        token,
        body: { content: 42, channel_id: channelId }
      })
      assert.strictEqual(bad.body.name, 'BadRequest')
      assert.strictEqual(bad.body.className, 'bad-request')
    })

    it('gives Socket.io errors the same shape, without a stack trace', async () => {
      const [error] = await rawCall(
        worker,
        'create',
        'messages',
        { channel_id: channelId, content: 'x', foo: 1 },
        {}
      )
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
      assert.ok(
        [400, 413].includes(response.status),
        `status ${response.status} ${response.text.slice(0, 200)}`
      )
      assertCleanErrorBody(response.body, response.status, 'huge body')
      assert.strictEqual(await countMessages(server, channelId), before)

      const health = await http(server.url, 'GET', '/health')
      assert.strictEqual(health.status, 200)
      const sent = await http<Message>(server.url, 'POST', '/messages', {
        token,
        body: { channel_id: channelId, content: 'still here' }
      })
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
        socket.emit(
          'create',
          'messages',
          { channel_id: channelId, content: 'x'.repeat(70 * 1024) },
          {},
          (error: any) => {
            clearTimeout(timer)
            resolve({ error })
          }
        )
      })
      if (!outcome.disconnected) {
        assert.ok(outcome.error, 'the oversized message was refused')
        assert.ok([400, 413].includes(outcome.error.code), JSON.stringify(outcome.error))
      }
      assert.strictEqual(await countMessages(server, channelId), before)
      assert.strictEqual((await http(server.url, 'GET', '/health')).status, 200)
      const fresh = await socketClient(server.url, world.worker)
      const sent = await fresh
        .service('messages')
        .create({ channel_id: channelId, content: 'after the big one' })
      assert.strictEqual(sent.content, 'after the big one')
    })
  })
})
