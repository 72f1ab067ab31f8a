import assert from 'assert'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { buildWeb } from '../../scripts/build-web'
import { useServer } from '../helpers/app'

describe('the web page routes', function () {
  this.timeout(60_000)
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-page-'))
  const server = useServer({ public: outdir })
  let files: string[]

  before(async () => {
    files = (await buildWeb(outdir)).files
  })

  after(() => fs.rmSync(outdir, { recursive: true, force: true }))

  it('serves the page at / with a strict content security policy, revalidated on each visit', async () => {
    const response = await fetch(server.url + '/')
    assert.strictEqual(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/)
    assert.match(
      response.headers.get('content-security-policy') ?? '',
      /script-src 'self';.*frame-ancestors 'none'/
    )
    assert.strictEqual(response.headers.get('cache-control'), 'no-cache')
    const html = await response.text()
    for (const file of files) assert.ok(html.includes(`/assets/${file}`), `the page refers to ${file}`)
  })

  it('serves the content-hashed bundle for good', async () => {
    const script = files.find((file) => file.endsWith('.js'))!
    const response = await fetch(`${server.url}/assets/${script}`)
    assert.strictEqual(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /javascript/)
    assert.match(response.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/)
    assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/)
    assert.strictEqual(response.headers.get('x-content-type-options'), 'nosniff')
  })

  it('shadows no service and answers unknown assets as Feathers errors', async () => {
    assert.strictEqual((await fetch(server.url + '/channels')).status, 401)
    const missing = await fetch(server.url + '/assets/nothing.js')
    assert.strictEqual(missing.status, 404)
    assert.strictEqual((await missing.json()).name, 'NotFound')
    const traversal = await fetch(server.url + '/assets/..%2f..%2fpackage.json')
    assert.ok([400, 403, 404].includes(traversal.status), `answered ${traversal.status}`)
    // The page itself, reached through the assets route, would come without its CSP
    for (const climb of ['/assets/..%2findex.html', '/assets/%2e%2e/index.html', '/assets/..%5cindex.html']) {
      const response = await fetch(server.url + climb)
      assert.strictEqual(response.status, 404, `${climb} answered ${response.status}`)
    }
    assert.strictEqual((await fetch(server.url + '/', { method: 'POST' })).status, 404)
  })

  describe('before the page is built', () => {
    const unbuilt = useServer({ public: path.join(outdir, 'not-built') })

    it('says how to build it instead of a bare 404', async () => {
      const response = await fetch(unbuilt.url + '/')
      assert.strictEqual(response.status, 503)
      assert.match((await response.json()).message, /npm run build:web/)
    })
  })
})
