import assert from 'assert'
import { useServer } from '../helpers/app'
import { http, socketClient } from '../helpers/clients'
import { failure } from '../helpers/assertions'

describe('database failures', () => {
  describe('an app whose database is unreachable', function () {
    this.timeout(20_000)
    const server = useServer({
      database: { url: 'postgres://postgres@127.0.0.1:1/none', dataDir: '', pool: { min: 0, max: 2 } }
    })

    const assertUnavailable = (body: any, text: string) => {
      assert.strictEqual(body?.name, 'Unavailable', text)
      assert.strictEqual(body.code, 503)
      assert.strictEqual(body.className, 'unavailable')
      assert.strictEqual(body.stack, undefined, 'no stack in the body')
      assert.doesNotMatch(text, /\n\s+at /, 'no stack frames in the body')
    }

    it('answers a login over REST with 503 Unavailable', async () => {
      const response = await http(server.url, 'POST', '/authentication', {
        body: { strategy: 'local', email: 'someone@example.test', password: 'whatever it is' }
      })
      assert.strictEqual(response.status, 503, response.text)
      assertUnavailable(response.body, response.text)
    })

    it('answers an authenticated service call over REST with 503 Unavailable', async () => {
      const token = await server.app.service('authentication').createAccessToken({ sub: '1' })
      const response = await http(server.url, 'GET', '/channels', { token })
      assert.strictEqual(response.status, 503, response.text)
      assertUnavailable(response.body, response.text)
    })

    it('answers a login over Socket.io with a 503 Unavailable error', async () => {
      const client = await socketClient(server.url)
      const error = await failure(() =>
        client.authenticate({ strategy: 'local', email: 'someone@example.test', password: 'whatever it is' })
      )
      assert.strictEqual(error.code, 503, error.message)
      assert.strictEqual(error.name, 'Unavailable')
    })

    it('is live (GET /health 200) but not ready (GET /ready 503), and keeps answering', async () => {
      const health = await http(server.url, 'GET', '/health')
      assert.strictEqual(health.status, 200)
      const ready = await http(server.url, 'GET', '/ready')
      assert.strictEqual(ready.status, 503)
      // The failures above did not take the process down
      const again = await http(server.url, 'POST', '/authentication', {
        body: { strategy: 'local', email: 'someone@example.test', password: 'whatever it is' }
      })
      assert.strictEqual(again.status, 503)
      assert.strictEqual((await http(server.url, 'GET', '/health')).status, 200)
    })
  })
})
