import assert from 'assert'
import { useServer } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import type { BookingWorld } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import { http, login, sleep, socketClient, waitUntil } from '../helpers/clients'
import { testRedisPrefix } from '../helpers/redis'
import { freePort, killTree, run } from '../helpers/processes'
import type { Command } from '../helpers/processes'
import type { ClientApplication, Message } from '../../src/client'
import type { ErrorBody } from '../helpers/clients'

interface Outcome {
  via: string
  status: number
  id?: number
  error?: string
}

describe('sending while Redis restarts', function () {
  this.timeout(60_000)
  let port: number
  let redis: Command | undefined
  const startRedis = async () => {
    redis = run('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], process.env)
    await waitUntil(() => redis!.output().includes('Ready to accept connections'), 'redis-server to start')
  }

  before(async () => {
    port = await freePort()
    await startRedis()
  })

  // Our own Redis: the shared one must not be restarted under other test runs
  const settings = () => ({
    redis: { url: `redis://127.0.0.1:${port}`, keyPrefix: testRedisPrefix },
    limits: { messages_per_minute: 100_000 }
  })
  const a = useServer(settings)
  const b = useServer(settings)
  // Registered after the servers', so that it runs after they have stopped
  after(() => killTree(redis))
  let world: BookingWorld
  let channelId: number

  before(async () => {
    ;({ world, channelId } = await bookingChannel(a.app))
  })

  async function sendUntil(
    stop: () => boolean,
    server: TestServer,
    via: 'rest' | 'socket',
    outcomes: Outcome[]
  ) {
    const token = await login(server.url, world.worker)
    const client: ClientApplication | undefined =
      via === 'socket' ? await socketClient(server.url, world.supervisor) : undefined
    for (let i = 0; !stop(); i++) {
      const content = `${via} ${server.url} ${i}`
      if (client) {
        try {
          const message = await client.service('messages').create({ channel_id: channelId, content })
          outcomes.push({ via, status: 201, id: message.id })
        } catch (error: any) {
          outcomes.push({ via, status: error.code ?? 0, error: error.message })
        }
      } else {
        const response = await http<Partial<Message & ErrorBody>>(server.url, 'POST', '/messages', {
          token,
          body: { channel_id: channelId, content }
        })
        outcomes.push({ via, status: response.status, id: response.body?.id, error: response.body?.message })
      }
      await sleep(10)
    }
  }

  it('acknowledges sends (or refuses them with a 4xx) but never answers 5xx, and every acknowledged message is stored', async () => {
    const outcomes: Outcome[] = []
    let stopped = false
    const senders = [
      sendUntil(() => stopped, a, 'rest', outcomes),
      sendUntil(() => stopped, b, 'rest', outcomes),
      sendUntil(() => stopped, a, 'socket', outcomes),
      sendUntil(() => stopped, b, 'socket', outcomes)
    ]
    await waitUntil(() => outcomes.length >= 20, 'sends before the restart', 10_000)
    killTree(redis)
    await redis!.exited
    const killedAt = outcomes.length
    await sleep(2500)
    const restartedAt = outcomes.length
    await startRedis()
    await waitUntil(() => outcomes.length >= restartedAt + 20, 'sends after the restart', 10_000)
    stopped = true
    await Promise.all(senders)

    assert.ok(restartedAt > killedAt, 'sends were answered while Redis was away')
    const failures = outcomes.filter(({ status }) => status >= 500 || status < 200)
    assert.deepStrictEqual(failures, [])
    const acknowledged = outcomes.filter(({ status }) => status === 201).map(({ id }) => id!)
    assert.ok(acknowledged.length > 20, `${acknowledged.length} acknowledged`)
    const stored = await a.app
      .get('postgresqlClient')('chat_messages')
      .whereIn('id', acknowledged)
      .pluck('id')
    assert.strictEqual(stored.length, new Set(acknowledged).size)
    assert.strictEqual((await http(a.url, 'GET', '/health')).status, 200)
    await waitUntil(async () => (await http(b.url, 'GET', '/ready')).status === 200, 'B to be ready again')
  })
})
