import assert from 'assert'
import { startApp } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import { buildUser } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import { closeClients, http, login, socketClient } from '../helpers/clients'
import Redis from 'ioredis'
import { redisSettings, testRedisPrefix, testRedisUrl } from '../helpers/redis'
import { rejectsWithCode } from '../helpers/assertions'
import type { ErrorBody } from '../helpers/clients'

const CALLS_PER_MINUTE = 30

describe('the call budget, shared by two instances through Redis', function () {
  this.timeout(30_000)
  let a: TestServer
  let b: TestServer

  before(async () => {
    // Calls past the budget are to be answered 429, not cut off by the connection's packet budget
    const connections = { packets_per_10_seconds: 1_000_000 }
    const settings = { redis: redisSettings(), limits: { calls_per_minute: CALLS_PER_MINUTE }, connections }
    a = await startApp(settings)
    b = await startApp(settings)
  })
  after(async () => {
    closeClients()
    await a.close()
    await b.close()
  })

  it('refuses a person on instance B once they spent their budget on instance A, and nobody else', async () => {
    const person = await buildUser(a.app)
    const other = await buildUser(a.app)
    const onA = await socketClient(a.url, person)
    const onB = await socketClient(b.url, person)
    const token = await login(b.url, person)
    const otherOnB = await socketClient(b.url, other)

    let answered = 0
    for (; answered <= CALLS_PER_MINUTE; answered++) {
      const outcome = await onA
        .service('users')
        .get(person.id)
        .catch((error) => error)
      if (outcome.code === 429) break
    }
    assert.ok(
      answered > CALLS_PER_MINUTE / 2 && answered < CALLS_PER_MINUTE,
      `${answered} calls answered on A`
    )

    await rejectsWithCode(onB.service('users').get(person.id), 429)
    const refused = await http<ErrorBody<{ retry_after_seconds: number }>>(
      b.url,
      'GET',
      `/users/${person.id}`,
      { token }
    )
    assert.strictEqual(refused.status, 429)
    assert.ok(refused.body.data.retry_after_seconds >= 1)
    assert.strictEqual((await otherOnB.service('users').get(other.id)).id, other.id)
  })

  it('spends a send’s budget in one trip to Redis', async () => {
    const { world, channelId } = await bookingChannel(a.app)
    const worker = await socketClient(a.url, world.worker)
    await worker.service('messages').create({ channel_id: channelId, content: 'warm-up' })

    const monitor = await new Redis(testRedisUrl).monitor()
    const budgetCommands: string[][] = []
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      // What a script runs inside Redis is listed too, with the source "lua": not a trip
      if (source !== 'lua' && args.some((arg) => String(arg).startsWith(`${testRedisPrefix}rate`)))
        budgetCommands.push(args)
    })
    try {
      await worker.service('messages').create({ channel_id: channelId, content: 'one trip' })
      await new Promise((resolve) => setTimeout(resolve, 200))
    } finally {
      monitor.disconnect()
    }
    assert.strictEqual(budgetCommands.length, 1, JSON.stringify(budgetCommands))
    assert.ok(
      budgetCommands[0].some((arg) => arg.includes('messages')),
      'the send budget is the one spent'
    )
  })
})
