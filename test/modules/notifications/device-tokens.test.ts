import assert from 'assert'
import crypto from 'crypto'
import { useServer } from '../../helpers/app'
import { buildUser } from '../../helpers/factories'
import { http, login } from '../../helpers/clients'

describe('device tokens: what a token may be', () => {
  const server = useServer()
  let token: string
  before(async () => {
    token = await login(server.url, await buildUser(server.app))
  })

  const register = (value: string) => http(server.url, 'POST', '/device-tokens', { token, body: { token: value, platform: 'android' } })

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
    const value = crypto.randomBytes(1536).toString('base64url')
    assert.strictEqual(value.length, 2048)
    const response = await register(value)
    assert.strictEqual(response.status, 201, response.text)
    assert.strictEqual(response.body.token, value)
  })
})
