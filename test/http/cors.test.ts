import assert from 'assert'
import { useServer } from '../helpers/app'
import { buildUser } from '../helpers/factories'

const APP_ORIGIN = 'https://app.example.test'
const OTHER_ORIGIN = 'https://evil.example.test'

/** What a browser sends before a cross-origin JSON POST. */
const preflight = (url: string, path: string, origin: string) =>
  fetch(url + path, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type'
    }
  })

const postLogin = (url: string, origin: string, email: string, password: string) =>
  fetch(url + '/authentication', {
    method: 'POST',
    headers: { Origin: origin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ strategy: 'local', email, password })
  })

// The first request of Engine.io's long-polling transport, the browser client's default
const pollingHandshake = (url: string, origin: string) =>
  fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: origin } })

describe('CORS', function () {
  this.timeout(30_000)

  describe('by default (any origin: the API takes bearer tokens, not cookies)', () => {
    const server = useServer()

    it('answers a preflight from any origin with 204 and the methods and headers asked for', async () => {
      const response = await preflight(server.url, '/authentication', APP_ORIGIN)
      assert.strictEqual(response.status, 204)
      assert.strictEqual(response.headers.get('access-control-allow-origin'), '*')
      assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/)
      assert.match(response.headers.get('access-control-allow-headers') ?? '', /authorization/i)
      assert.match(response.headers.get('access-control-allow-headers') ?? '', /content-type/i)
    })

    it('lets a page on another origin log in over REST and read Retry-After', async () => {
      const user = await buildUser(server.app)
      const response = await postLogin(server.url, APP_ORIGIN, user.email, user.password)
      assert.strictEqual(response.status, 201)
      assert.strictEqual(response.headers.get('access-control-allow-origin'), '*')
      assert.match(response.headers.get('access-control-expose-headers') ?? '', /Retry-After/i)
      assert.ok((await response.json()).accessToken)
    })

    it('lets Engine.io long-polling through from another origin', async () => {
      const response = await pollingHandshake(server.url, APP_ORIGIN)
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.headers.get('access-control-allow-origin'), '*')
      assert.match(await response.text(), /"sid"/)
    })

    it('keeps error answers readable cross-origin', async () => {
      const response = await fetch(server.url + '/channels', { headers: { Origin: APP_ORIGIN } })
      assert.strictEqual(response.status, 401)
      assert.strictEqual(response.headers.get('access-control-allow-origin'), '*')
    })
  })

  describe('narrowed by cors.origins (CORS_ORIGINS, comma-separated)', () => {
    const server = useServer({ cors: { origins: ` ${APP_ORIGIN}/ , http://localhost:3030` } })

    it('answers an allowed origin with that origin, varying by Origin', async () => {
      const response = await preflight(server.url, '/authentication', APP_ORIGIN)
      assert.strictEqual(response.status, 204)
      assert.strictEqual(response.headers.get('access-control-allow-origin'), APP_ORIGIN)
      assert.match(response.headers.get('vary') ?? '', /Origin/)

      const user = await buildUser(server.app)
      const login = await postLogin(server.url, APP_ORIGIN, user.email, user.password)
      assert.strictEqual(login.status, 201)
      assert.strictEqual(login.headers.get('access-control-allow-origin'), APP_ORIGIN)

      const polling = await pollingHandshake(server.url, APP_ORIGIN)
      assert.strictEqual(polling.status, 200)
      assert.strictEqual(polling.headers.get('access-control-allow-origin'), APP_ORIGIN)
    })

    it('refuses another origin the normal way: a preflight without CORS headers, not a 405', async () => {
      const response = await preflight(server.url, '/authentication', OTHER_ORIGIN)
      assert.strictEqual(response.status, 204)
      assert.strictEqual(response.headers.get('access-control-allow-origin'), null)
      assert.strictEqual(response.headers.get('access-control-allow-methods'), null)

      const user = await buildUser(server.app)
      const login = await postLogin(server.url, OTHER_ORIGIN, user.email, user.password)
      assert.strictEqual(login.headers.get('access-control-allow-origin'), null)

      const polling = await pollingHandshake(server.url, OTHER_ORIGIN)
      assert.strictEqual(polling.headers.get('access-control-allow-origin'), null)
    })

    it('still serves clients that send no Origin (apps, servers)', async () => {
      const user = await buildUser(server.app)
      const response = await fetch(server.url + '/authentication', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ strategy: 'local', email: user.email, password: user.password })
      })
      assert.strictEqual(response.status, 201)
    })
  })
})
