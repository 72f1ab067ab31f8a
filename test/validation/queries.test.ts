import assert from 'assert'
import { useServer } from '../helpers/app'
import { http, login, socketClient } from '../helpers/clients'
import type { ClientApplication, Message } from '../../src/client'
import { rejectsWith } from '../helpers/assertions'
import { buildValidationScene, expectHttpError } from './scene'
import { bookingChannel } from '../helpers/fixtures'
import type { Paginated } from '@feathersjs/feathers'

describe('validation and errors', () => {
  const server = useServer()
  let channelId: number
  let worker: ClientApplication
  let token: string

  before(async () => {
    ;({ channelId, worker, token } = await buildValidationScene(server))
  })

  describe('queries', () => {
    it('refuses unknown query fields and operators with 400', async () => {
      const socketCases: [string, () => Promise<unknown>][] = [
        [
          'messages foo',
          () => worker.service('messages').find({ query: { channel_id: channelId, foo: 1 } as any })
        ],
        [
          'messages $select',
          () =>
            worker.service('messages').find({ query: { channel_id: channelId, $select: ['content'] } as any })
        ],
        [
          'messages seq.$ne',
          () => worker.service('messages').find({ query: { channel_id: channelId, seq: { $ne: 1 } } as any })
        ],
        [
          'messages content',
          () => worker.service('messages').find({ query: { channel_id: channelId, content: 'first' } as any })
        ],
        [
          'messages $sort unknown',
          () =>
            worker
              .service('messages')
              .find({ query: { channel_id: channelId, $sort: { content: 1 } } as any })
        ],
        ['channels bar', () => worker.service('channels').find({ query: { bar: 1 } as any })],
        [
          'participants baz',
          () => worker.service('participants').find({ query: { channel_id: channelId, baz: true } as any })
        ]
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
      for (const path of httpCases)
        expectHttpError(await http(server.url, 'GET', path, { token }), 400, `GET ${path}`)
    })

    it('refuses a find without channel_id with 400', async () => {
      await rejectsWith(400, () => worker.service('messages').find({ query: {} as any }), 'socket messages')
      await rejectsWith(
        400,
        () => worker.service('participants').find({ query: {} as any }),
        'socket participants'
      )
      expectHttpError(await http(server.url, 'GET', '/messages', { token }), 400, 'GET /messages')
    })

    it('caps $limit at 100', async () => {
      const { world: other, channel } = await bookingChannel(server.app)
      for (let i = 0; i < 105; i++) {
        await server.app
          .service('messages')
          .create({ channel_id: channel.id, content: `m${i}` }, { user: other.worker })
      }
      const client = await socketClient(server.url, other.supervisor)
      const page = await client.service('messages').find({ query: { channel_id: channel.id, $limit: 1000 } })
      assert.strictEqual(page.data.length, 100)
      assert.strictEqual(page.limit, 100)
      assert.strictEqual(page.total, 105)
      assert.strictEqual(page.data[0].seq, 105)

      const otherToken = await login(server.url, other.supervisor)
      const viaHttp = await http<Paginated<Message>>(
        server.url,
        'GET',
        `/messages?channel_id=${channel.id}&$limit=101`,
        {
          token: otherToken
        }
      )
      assert.strictEqual(viaHttp.status, 200)
      assert.strictEqual(viaHttp.body.data.length, 100)
      assert.strictEqual(viaHttp.body.limit, 100)

      const byDefault = await client.service('messages').find({ query: { channel_id: channel.id } })
      assert.strictEqual(byDefault.data.length, 50)
    })
  })
})
