import assert from 'assert'
import { testDatabaseUrl } from '../helpers/database'
import { http, sleep } from '../helpers/clients'
import { killTree, serve } from '../helpers/processes'
import type { Command } from '../helpers/processes'
import { jsonLogLines } from '../helpers/served-app'

describe('logs of client errors', function () {
  this.timeout(60_000)
  let command: Command | undefined
  let url: string

  before(async () => {
    ;({ command, url } = await serve({ DATABASE_URL: testDatabaseUrl, LOG_LEVEL: 'warn' }))
  })
  after(() => killTree(command))

  it('logs junk at warn without a stack, and nothing at error', async () => {
    const junk = [
      await fetch(`${url}/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
        body: '{}'
      }),
      await fetch(`${url}/authentication`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"strategy": '
      }),
      await fetch(`${url}/constructor`),
      await fetch(`${url}/authentication/x`, { method: 'DELETE' })
    ]
    assert.deepStrictEqual(
      junk.map((response) => response.status),
      [400, 400, 404, 401]
    )
    const loggedIn = await http(url, 'POST', '/authentication', {
      body: { strategy: 'local', email: 'nul\u0000@example.test', password: 'x' }
    })
    assert.ok(loggedIn.status >= 400 && loggedIn.status < 500, `login with a NUL: ${loggedIn.status}`)
    await sleep(200)

    const lines = jsonLogLines(command!)
    const warnings = lines.filter((line) => line.level === 'warn')
    assert.ok(
      warnings.some((line) => /unreadable request body/.test(line.message)),
      JSON.stringify(lines)
    )
    assert.ok(
      warnings.some((line) => /malformed request/.test(line.message)),
      JSON.stringify(lines)
    )
    assert.deepStrictEqual(
      lines.filter((line) => line.level === 'error'),
      []
    )
    assert.deepStrictEqual(
      lines.filter((line) => 'stack' in line),
      []
    )
  })
})
