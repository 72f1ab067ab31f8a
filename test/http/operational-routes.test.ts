import assert from 'assert'
import path from 'path'
import os from 'os'
import { startApp, useServer } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import type { ConfigurationOverrides } from '../../src/app'

const TOKEN = 'metrics-token-for-the-scraper'

/** An app as production builds it: the environment is read while the app is put together. */
function startInProduction(overrides: ConfigurationOverrides = {}): Promise<TestServer> {
  const saved = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    return startApp(overrides)
  } finally {
    process.env.NODE_ENV = saved
  }
}

async function withServer(started: Promise<TestServer>, check: (server: TestServer) => Promise<void>) {
  const server = await started
  try {
    await check(server)
  } finally {
    await server.close()
  }
}

const scriptsOf = (html: string) =>
  [...html.matchAll(/<script([^>]*)>/g)].map((match) => /src="([^"]+)"/.exec(match[1])?.[1])

describe('operational routes', function () {
  this.timeout(60_000)

  describe('the docs page', () => {
    const server = useServer()

    it('runs no inline script, loads only its own files and may not be framed', async () => {
      const page = await fetch(`${server.url}/docs`)
      assert.strictEqual(page.status, 200)
      const policy = page.headers.get('content-security-policy') ?? ''
      for (const directive of [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        'img-src data:',
        "connect-src 'self'",
        "frame-ancestors 'none'"
      ]) {
        assert.ok(policy.split('; ').includes(directive), `${directive} in ${policy}`)
      }
      assert.strictEqual(page.headers.get('x-frame-options'), 'DENY')
      assert.strictEqual(page.headers.get('x-content-type-options'), 'nosniff')
      assert.strictEqual(page.headers.get('cache-control'), 'no-cache')
      const scripts = scriptsOf(await page.text())
      assert.ok(scripts.length >= 2 && scripts.every(Boolean), `every script is a file: ${scripts}`)

      for (const script of scripts) {
        const file = await fetch(server.url + script)
        assert.strictEqual(file.status, 200, script)
        assert.strictEqual(file.headers.get('x-content-type-options'), 'nosniff', script)
        assert.match(file.headers.get('content-type') ?? '', /javascript/)
      }
    })

    it('lets browsers keep the Swagger UI bundle for good: its path names its version', async () => {
      const bundle = scriptsOf(await (await fetch(`${server.url}/docs`)).text()).find((src) =>
        src?.endsWith('swagger-ui-bundle.js')
      )!
      assert.match(bundle, /\/docs\/swagger-ui-\d+\.\d+\.\d+\//)
      const response = await fetch(server.url + bundle)
      assert.match(response.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/)
      await response.arrayBuffer()
    })
  })

  describe('in production', () => {
    it('serves no Swagger UI unless docs.enabled is set, and still the OpenAPI document', () =>
      withServer(startInProduction(), async (server) => {
        assert.strictEqual((await fetch(`${server.url}/docs`)).status, 404)
        assert.strictEqual((await fetch(`${server.url}/docs/start.js`)).status, 404)
        assert.strictEqual((await fetch(`${server.url}/openapi.json`)).status, 200)
      }))

    it('serves Swagger UI with docs.enabled', () =>
      withServer(startInProduction({ docs: { enabled: true } }), async (server) => {
        assert.strictEqual((await fetch(`${server.url}/docs`)).status, 200)
      }))

    it('answers /metrics with 404 when no token is set', () =>
      withServer(startInProduction(), async (server) => {
        const response = await fetch(`${server.url}/metrics`)
        assert.strictEqual(response.status, 404)
        assert.doesNotMatch(await response.text(), /nodejs_/)
      }))

    it('answers /metrics only to the bearer of metrics.token', () =>
      withServer(startInProduction({ metrics: { token: TOKEN } }), async (server) => {
        const metrics = (authorization?: string) =>
          fetch(`${server.url}/metrics`, { headers: authorization ? { Authorization: authorization } : {} })
        const missing = await metrics()
        assert.strictEqual(missing.status, 401)
        assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/)
        assert.doesNotMatch(await missing.text(), /nodejs_/)
        assert.strictEqual((await metrics(`Bearer ${TOKEN}x`)).status, 401)
        assert.strictEqual((await metrics(`Basic ${TOKEN}`)).status, 401)
        const allowed = await metrics(`Bearer ${TOKEN}`)
        assert.strictEqual(allowed.status, 200)
        assert.match(await allowed.text(), /^nodejs_heap_size_used_bytes \d/m)
      }))
  })

  it('asks for the token outside production too once one is set', () =>
    withServer(startApp({ metrics: { token: TOKEN } }), async (server) => {
      assert.strictEqual((await fetch(`${server.url}/metrics`)).status, 401)
      assert.strictEqual(
        (await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status,
        200
      )
    }))

  describe('the static budget', () => {
    const BUDGET = 4
    const server = useServer({
      limits: { static_requests_per_minute: BUDGET },
      connections: { trust_proxy: true },
      public: path.join(os.tmpdir(), 'chat-page-not-built')
    })
    const from = (address: string, route: string) =>
      fetch(server.url + route, { headers: { 'X-Forwarded-For': address } })

    it('is shared by the page, assets, docs, the OpenAPI document and /metrics, per address, and answers 429 with Retry-After beyond it', async () => {
      const address = '198.51.100.7'
      const spent = []
      for (const route of ['/', '/docs', '/openapi.json', '/metrics'])
        spent.push((await from(address, route)).status)
      assert.deepStrictEqual(spent, [503, 200, 200, 200])
      for (const route of ['/docs', '/assets/index-abc123.js', '/metrics', '/']) {
        const refused = await from(address, route)
        assert.strictEqual(refused.status, 429, route)
        assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/)
        assert.strictEqual((await refused.json()).name, 'TooManyRequests')
      }
      assert.strictEqual(
        (await from('198.51.100.8', '/docs')).status,
        200,
        'another address has its own budget'
      )
      assert.strictEqual((await from(address, '/health')).status, 200, 'probes are outside it')
      assert.strictEqual((await from(address, '/channels')).status, 401, 'services have budgets of their own')
    })
  })
})
