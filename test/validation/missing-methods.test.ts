import assert from 'assert'
import { useServer } from '../helpers/app'
import type { BookingWorld } from '../helpers/factories'
import { http } from '../helpers/clients'
import type { ClientApplication } from '../../src/client'
import { failure } from '../helpers/assertions'
import { assertCleanErrorBody } from '../helpers/transport-calls'
import { buildValidationScene, expectHttpError, rawCall } from './scene'

describe('validation and errors', () => {
  const server = useServer()
  let world: BookingWorld
  let channelId: number
  let messageId: number
  let participantId: number
  let worker: ClientApplication
  let token: string

  const db = () => server.app.get('postgresqlClient')

  before(async () => {
    ;({ world, channelId, messageId, participantId, worker, token } = await buildValidationScene(server))
  })

  describe('methods that do not exist', () => {
    const refused = () =>
      [
        [
          'update',
          'messages',
          'PUT',
          `/messages/${messageId}`,
          [messageId, { channel_id: channelId, content: 'rewritten' }, {}]
        ],
        ['patch', 'messages', 'PATCH', `/messages/${messageId}`, [messageId, { content: 'rewritten' }, {}]],
        [
          'update',
          'channels',
          'PUT',
          `/channels/${channelId}`,
          [channelId, { context_type: 'booking', context_id: 1 }, {}]
        ],
        ['patch', 'channels', 'PATCH', `/channels/${channelId}`, [channelId, { status: 'frozen' }, {}]],
        ['remove', 'channels', 'DELETE', `/channels/${channelId}`, [channelId, {}]],
        [
          'create',
          'participants',
          'POST',
          '/participants',
          [{ channel_id: channelId, user_id: world.outsider.id, role: 'worker' }, {}]
        ],
        [
          'update',
          'participants',
          'PUT',
          `/participants/${participantId}`,
          [participantId, { muted: true }, {}]
        ],
        ['remove', 'participants', 'DELETE', `/participants/${participantId}`, [participantId, {}]]
      ] as const

    const snapshot = async () => ({
      message: await db()('chat_messages').where({ id: messageId }).first('content', 'is_deleted'),
      channel: await db()('chat_channels').where({ id: channelId }).first('status', 'context_id'),
      participants: await db()('chat_participants')
        .where({ channel_id: channelId })
        .orderBy('id')
        .select('id', 'user_id', 'removed_at', 'muted')
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
        [
          'client messages.patch',
          () => (worker.service('messages') as any).patch(messageId, { content: 'x' })
        ],
        ['client channels.remove', () => (worker.service('channels') as any).remove(channelId)],
        [
          'client participants.create',
          () => (worker.service('participants') as any).create({ channel_id: channelId })
        ]
      ]
      for (const [label, call] of typed) {
        const error = await failure(call)
        if (error.code !== 405) answers.push(`${label}: ${error.code} ${error.message}`)
      }
      assert.deepStrictEqual(answers.filter(Boolean), [])
      assert.deepStrictEqual(await snapshot(), before)
    })
  })
})
