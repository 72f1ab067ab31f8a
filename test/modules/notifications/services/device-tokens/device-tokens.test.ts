import assert from 'assert'
import crypto from 'crypto'
import { useServer } from '../../../../helpers/app'
import { buildUser } from '../../../../helpers/factories'
import { http, login, socketClient } from '../../../../helpers/clients'
import { rejectsWithCode } from '../../../../helpers/assertions'
import type { DeviceToken } from '../../../../../src/client'

describe('device tokens: what a token may be', () => {
  const server = useServer()
  let token: string
  before(async () => {
    token = await login(server.url, await buildUser(server.app))
  })

  const register = (value: string) =>
    http<DeviceToken>(server.url, 'POST', '/device-tokens', {
      token,
      body: { token: value, platform: 'android' }
    })

  it('refuses a token longer than the unique index holds with 400, not a 500', async () => {
    // Random, so that the database cannot compress it under the index's limit
    const response = await register(crypto.randomBytes(3072).toString('base64url'))
    assert.strictEqual(response.status, 400, response.text)
  })

  it('refuses characters no push service uses (spaces, controls, non-ASCII) with 400', async () => {
    for (const value of ['with space', 'tab\there', 'é'.repeat(2000)]) {
      const response = await register(value)
      assert.strictEqual(response.status, 400, `${JSON.stringify(value.slice(0, 12))}: ${response.text}`)
    }
  })

  it('registers the longest token it accepts', async () => {
    const value = crypto.randomBytes(384).toString('base64url')
    assert.strictEqual(value.length, 512)
    const response = await register(value)
    assert.strictEqual(response.status, 201, response.text)
    assert.strictEqual(response.body.token, value)
  })
})

const tokensOf = (server: ReturnType<typeof useServer>, userId: number): Promise<string[]> =>
  server.app.get('postgresqlClient')('device_tokens').where({ user_id: userId }).orderBy('id').pluck('token')

describe('device tokens per person', function () {
  this.timeout(30_000)
  const server = useServer()

  it('keeps the newest few when 50 registrations of one person race, each answered', async () => {
    const person = await buildUser(server.app)
    const token = await login(server.url, person)
    const cap = server.app.get('limits').device_tokens_per_user
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        http(server.url, 'POST', '/device-tokens', {
          token,
          body: { token: `race-${person.id}-${i}`, platform: 'android' }
        })
      )
    )
    assert.deepStrictEqual([...new Set(answers.map((answer) => answer.status))], [201])
    assert.strictEqual((await tokensOf(server, person.id)).length, cap)
  })

  it('replaces the least recently registered token with the next one', async () => {
    const person = await buildUser(server.app)
    const client = await socketClient(server.url, person)
    const cap = server.app.get('limits').device_tokens_per_user
    const devices = client.service('device-tokens')
    for (let i = 1; i <= cap; i++) await devices.create({ token: `phone-${person.id}-${i}`, platform: 'ios' })
    // Registered again (the app starts on that phone), the first one is recent once more
    await devices.create({ token: `phone-${person.id}-1`, platform: 'ios' })
    const newest = await devices.create({ token: `phone-${person.id}-new`, platform: 'web' })

    const kept = await tokensOf(server, person.id)
    assert.strictEqual(kept.length, cap)
    assert.ok(kept.includes(`phone-${person.id}-1`) && kept.includes(newest.token))
    assert.ok(!kept.includes(`phone-${person.id}-2`), 'the least recently registered one is gone')
    const listed = (await devices.find({ query: { $limit: 100 } })) as { total: number }
    assert.strictEqual(listed.total, cap)
  })

  it('refuses a token no push service issues (4 KB, or with spaces or control characters) with 400', async () => {
    const person = await buildUser(server.app)
    const devices = (await socketClient(server.url, person)).service('device-tokens')
    await rejectsWithCode(devices.create({ token: 'x'.repeat(4096), platform: 'android' }), 400)
    await rejectsWithCode(devices.create({ token: 'two words', platform: 'android' }), 400)
    await rejectsWithCode(devices.create({ token: 'nul\u0000byte', platform: 'android' }), 400)
    assert.deepStrictEqual(await tokensOf(server, person.id), [])
    const valid = 'f'.repeat(22) + ':APA91b' + 'A-z_0'.repeat(28)
    assert.strictEqual((await devices.create({ token: valid, platform: 'android' })).token, valid)
  })
})
