import assert from 'assert'
import { performance } from 'perf_hooks'
import { useServer } from '../../helpers/app'
import { buildUser } from '../../helpers/factories'
import { http, login, socketClient } from '../../helpers/clients'
import { failure } from '../../helpers/assertions'
import { redisSettings } from '../../helpers/redis'
import type { TestUser } from '../../helpers/factories'

const connections = {
  per_ip_per_minute: 100000,
  trust_proxy: true,
  max_buffered_packets: 1000,
  max_delivery_lag_ms: 5000
}
const logins = (overrides: { failures_per_account?: number; failures_per_address?: number }) => ({
  logins: { failures_per_account: 100000, failures_per_address: 100000, window_seconds: 900, ...overrides },
  connections,
  redis: redisSettings()
})

/** A login over plain HTTP, from `address` as the (trusted) load balancer reports it. */
const attempt = async (url: string, email: string, password: string, address = '203.0.113.1') => {
  const response = await fetch(`${url}/authentication`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
    body: JSON.stringify({ strategy: 'local', email, password })
  })
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as any
  }
}

describe('login throttling', function () {
  this.timeout(60_000)

  describe('per account, across instances', () => {
    // Two instances on one Redis: the attack was spread over both
    const a = useServer(logins({ failures_per_account: 5 }))
    const b = useServer(logins({ failures_per_account: 5 }))

    it('refuses guesses past the budget with 429 and Retry-After, the right password included', async () => {
      const user = await buildUser(a.app)
      for (const [i, url] of [a.url, b.url, a.url, b.url, a.url].entries()) {
        assert.strictEqual((await attempt(url, user.email, `guess ${i}`)).status, 401, `guess ${i}`)
      }
      const refused = await attempt(b.url, user.email, 'guess 6')
      assert.strictEqual(refused.status, 429)
      assert.strictEqual(refused.body.name, 'TooManyRequests')
      assert.ok(refused.body.data.retry_after_seconds > 0 && refused.body.data.retry_after_seconds <= 900)
      assert.strictEqual(refused.retryAfter, String(refused.body.data.retry_after_seconds))

      const right = await attempt(a.url, user.email.toUpperCase(), user.password)
      assert.strictEqual(
        right.status,
        429,
        'the right password waits too, from that address and in other case'
      )
      // Someone else's guesses do not lock the owner out
      assert.strictEqual((await attempt(b.url, user.email, user.password, '198.51.100.7')).status, 201)

      const someoneElse = await buildUser(a.app)
      assert.ok(await login(a.url, someoneElse), 'other accounts log in as before')
    })

    it('lets guesses refused at one address spend nothing of the account’s ceiling: its owner still logs in from elsewhere', async () => {
      const user = await buildUser(a.app)
      // Twice the ceiling (ten times the budget of 5), from one address: 5 are checked, the rest refused
      const statuses = []
      for (let i = 0; i < 100; i++)
        statuses.push((await attempt(i % 2 ? a.url : b.url, user.email, `guess ${i}`, '192.0.2.166')).status)
      assert.deepStrictEqual(
        [
          statuses.filter((status) => status === 401).length,
          statuses.filter((status) => status === 429).length
        ],
        [5, 95]
      )
      assert.strictEqual((await attempt(a.url, user.email, user.password, '198.51.100.8')).status, 201)
    })

    it('remembers no failure for correct logins that overlap: 200 at once, then everyone from that address logs in', async () => {
      const user = await buildUser(a.app)
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          attempt(i % 2 ? a.url : b.url, user.email, user.password, '192.0.2.177')
        )
      )
      assert.ok(
        outcomes.every((outcome) => outcome.status === 201 || outcome.status === 429),
        JSON.stringify(outcomes.map((o) => o.status))
      )
      assert.ok(outcomes.some((outcome) => outcome.status === 201))
      const colleague = await buildUser(a.app)
      assert.strictEqual(
        (await attempt(b.url, colleague.email, colleague.password, '192.0.2.177')).status,
        201,
        'a colleague on the same Wi-Fi'
      )
      assert.strictEqual(
        (await attempt(a.url, user.email, user.password, '192.0.2.177')).status,
        201,
        'and the account itself'
      )
    })

    it('refuses guesses spread over many addresses past a ceiling ten times the budget, over Socket.io too', async () => {
      const user = await buildUser(a.app)
      for (let i = 0; i < 50; i++) {
        assert.strictEqual(
          (await attempt(i % 2 ? a.url : b.url, user.email, `guess ${i}`, `198.18.${i}.1`)).status,
          401
        )
      }
      assert.strictEqual((await attempt(a.url, user.email, user.password, '198.18.200.1')).status, 429)
      const overSocket = await failure(async () =>
        (await socketClient(b.url)).authenticate({
          strategy: 'local',
          email: user.email,
          password: user.password
        })
      )
      assert.strictEqual(overSocket.code, 429)
      assert.ok(overSocket.data.retry_after_seconds > 0)
    })

    it('counts guesses sent all at once before checking them', async () => {
      const user = await buildUser(a.app)
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => attempt(i % 2 ? a.url : b.url, user.email, `guess ${i}`))
      )
      const checked = answers.filter((answer) => answer.status === 401).length
      assert.strictEqual(checked, 5, 'only the budget was checked')
      assert.strictEqual(answers.filter((answer) => answer.status === 429).length, 25)
    })

    it('forgives an account’s failures when the right password comes', async () => {
      const user = await buildUser(a.app)
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 4; i++)
          assert.strictEqual((await attempt(a.url, user.email, `guess ${i}`)).status, 401)
        assert.strictEqual((await attempt(b.url, user.email, user.password)).status, 201)
      }
    })
  })

  describe('correct logins that overlap, on one instance', () => {
    const server = useServer(logins({ failures_per_account: 10, failures_per_address: 100 }))

    it('refuses none of 200 correct logins of one account sent at once from one address', async () => {
      const user = await buildUser(server.app)
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, () => attempt(server.url, user.email, user.password, '192.0.2.188'))
      )
      assert.deepStrictEqual(
        outcomes.filter((outcome) => outcome.status !== 201).map((outcome) => outcome.status),
        [],
        'each waited for the checks ahead of it instead of a 429'
      )
    })

    it('refuses none of 120 people logging in at once from one address (a site’s Wi-Fi at shift start)', async () => {
      const people = await Promise.all(Array.from({ length: 120 }, () => buildUser(server.app)))
      const outcomes = await Promise.all(
        people.map((person) => attempt(server.url, person.email, person.password, '192.0.2.199'))
      )
      assert.deepStrictEqual(
        outcomes.filter((outcome) => outcome.status !== 201).map((outcome) => outcome.status),
        []
      )
    })

    it('still refuses a burst of wrong guesses past the budget, once the guesses ahead of it have failed', async () => {
      const user = await buildUser(server.app)
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) => attempt(server.url, user.email, `guess ${i}`, '192.0.2.200'))
      )
      assert.deepStrictEqual(
        [
          answers.filter((answer) => answer.status === 401).length,
          answers.filter((answer) => answer.status === 429).length
        ],
        [10, 50]
      )
      assert.strictEqual(
        (await attempt(server.url, user.email, user.password, '192.0.2.200')).status,
        429,
        'the budget is spent'
      )
    })
  })

  describe('per address', () => {
    const server = useServer(logins({ failures_per_address: 5 }))

    it('refuses one address trying many accounts, not the others', async () => {
      const users = await Promise.all(Array.from({ length: 6 }, () => buildUser(server.app)))
      for (const user of users.slice(0, 5))
        assert.strictEqual((await attempt(server.url, user.email, 'Summer2026!', '192.0.2.66')).status, 401)
      const refused = await attempt(server.url, users[5].email, 'Summer2026!', '192.0.2.66')
      assert.strictEqual(refused.status, 429)
      assert.ok(Number(refused.retryAfter) > 0)
      // Unknown emails count the same
      assert.strictEqual(
        (await attempt(server.url, 'nobody@example.test', 'Summer2026!', '192.0.2.66')).status,
        429
      )
      assert.strictEqual(
        (await attempt(server.url, users[5].email, users[5].password, '192.0.2.67')).status,
        201
      )
    })

    it('gives a right password its attempt back, so an office behind one address is not shut out', async () => {
      const users = await Promise.all(Array.from({ length: 8 }, () => buildUser(server.app)))
      for (const user of users)
        assert.strictEqual((await attempt(server.url, user.email, user.password, '192.0.2.80')).status, 201)
    })
  })

  describe('unknown emails', () => {
    const server = useServer()

    it('take as long to refuse as a wrong password', async () => {
      const known: TestUser[] = await Promise.all(Array.from({ length: 9 }, () => buildUser(server.app)))
      const timed = async (email: string) => {
        const started = performance.now()
        const { status } = await http(server.url, 'POST', '/authentication', {
          body: { strategy: 'local', email, password: 'a wrong guess' }
        })
        assert.strictEqual(status, 401)
        return performance.now() - started
      }
      await timed('warm-up@example.test')
      const unknownTimes: number[] = []
      const knownTimes: number[] = []
      // Interleaved, so that a slow moment of the machine weighs on both
      for (const [i, user] of known.entries()) {
        unknownTimes.push(await timed(`nobody-${i}@example.test`))
        knownTimes.push(await timed(user.email))
      }
      const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]
      const ratio = median(unknownTimes) / median(knownTimes)
      assert.ok(
        ratio >= 0.5,
        `unknown emails are refused in ${median(unknownTimes).toFixed(1)} ms, wrong passwords in ${median(knownTimes).toFixed(1)} ms`
      )
    })
  })
})
