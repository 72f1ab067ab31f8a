import assert from 'assert'
import { performance } from 'perf_hooks'
import { useServer } from '../helpers/app'
import { buildUser } from '../helpers/factories'
import type { BookingWorld } from '../helpers/factories'
import { http, login, socketClient, socketOf } from '../helpers/clients'
import type { ClientApplication } from '../../src/client'
import { bookingChannelWithClients } from '../helpers/fixtures'
import type { ErrorBody } from '../helpers/clients'

const CALLS_PER_MINUTE = 150
const FLOOD = 2000
// These floods test the call budgets, past which a socket is answered 429 and kept: the
// packet budget (test/socketio/packet-budget.test.ts) would cut the socket first
const PACKETS_UNCUT = 1_000_000

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** The median time of `rounds` sequential calls. */
async function medianMs(rounds: number, call: () => Promise<unknown>) {
  const times: number[] = []
  for (let i = 0; i < rounds; i++) {
    const started = performance.now()
    await call()
    times.push(performance.now() - started)
  }
  return median(times)
}

const codesOf = (settled: PromiseSettledResult<unknown>[]) =>
  settled.map((outcome) => (outcome.status === 'fulfilled' ? 200 : (outcome.reason as any).code))

describe('a budget for every external call', function () {
  this.timeout(60_000)
  const server = useServer({
    limits: { calls_per_minute: CALLS_PER_MINUTE },
    connections: { packets_per_10_seconds: PACKETS_UNCUT }
  })
  let world: BookingWorld
  let channelId: number

  before(async () => {
    ;({ world, channelId } = await bookingChannelWithClients(server))
  })

  for (const flood of ['participants.patch', 'messages.find'] as const) {
    it(`refuses most of ${FLOOD} pipelined ${flood} calls on one socket with 429, and another person stays fast`, async () => {
      // People of their own booking, whose budgets no other test has spent
      const {
        worker,
        channel: own,
        clients: { worker: attacker, supervisor: bystander }
      } = await bookingChannelWithClients(server, { connected: ['worker', 'supervisor'] })
      const ownRow = (
        await attacker.service('participants').find({ query: { channel_id: own.id, user_id: worker.id } })
      ).data[0]
      const readMessages = () => bystander.service('messages').find({ query: { channel_id: own.id } })
      const baseline = await medianMs(25, readMessages)
      const pool = (server.app.get('postgresqlClient').client as any).pool
      let poolPeak = 0
      const sampler = setInterval(
        () => (poolPeak = Math.max(poolPeak, pool.numUsed() + pool.numPendingAcquires())),
        1
      )

      const call = (i: number) =>
        flood === 'participants.patch'
          ? attacker.service('participants').patch(ownRow.id, { last_read_seq: i })
          : attacker.service('messages').find({ query: { channel_id: own.id } })
      const floodDone = Promise.allSettled(Array.from({ length: FLOOD }, (_, i) => call(i)))
      const during = await medianMs(25, readMessages)
      const codes = codesOf(await floodDone)
      clearInterval(sampler)

      const refused = codes.filter((code) => code === 429).length
      assert.deepStrictEqual(
        [...new Set(codes)].sort(),
        [200, 429],
        `only answers and 429s: ${[...new Set(codes)]}`
      )
      assert.ok(refused >= FLOOD - CALLS_PER_MINUTE, `${refused} of ${FLOOD} refused`)
      // The attacker's unanswered calls, plus the bystander's and the background workers' few
      const bound = server.app.get('limits').calls_in_flight
      assert.ok(poolPeak <= bound + 4, `${poolPeak} database connections in use or awaited at once`)
      assert.ok(
        during <= 3 * baseline,
        `the bystander's median call took ${during.toFixed(1)} ms during the flood, ${baseline.toFixed(1)} ms before`
      )
      assert.ok(socketOf(bystander).connected && socketOf(attacker).connected)
    })
  }

  it('refuses a connection’s calls past its bound on unanswered calls at once, before the database', async () => {
    const person = await buildUser(server.app)
    const client = await socketClient(server.url, person)
    const bound = server.app.get('limits').calls_in_flight
    let queries = 0
    // Only the reads of this call: the notification worker polls the database meanwhile
    const countQuery = (query: { sql: string }) => /from "users"/i.test(query.sql) && queries++
    const db = server.app.get('postgresqlClient')
    db.on('query', countQuery)
    try {
      await client.service('users').get(person.id)
      queries = 0
      await client.service('users').get(person.id)
      const perCall = queries
      assert.ok(perCall >= 1, 'a call reads the user')
      queries = 0
      const settled = await Promise.allSettled(
        Array.from({ length: bound * 3 }, () => client.service('users').get(person.id))
      )
      const refusals = settled
        .filter((outcome) => outcome.status === 'rejected')
        .map((outcome) => outcome.reason)
      const answered = settled.length - refusals.length
      assert.ok(refusals.length >= bound, `${refusals.length} of ${bound * 3} refused`)
      for (const refusal of refusals) {
        assert.strictEqual(refusal.code, 429)
        assert.strictEqual(refusal.data.retry_after_seconds, 1)
        assert.match(refusal.message, /calls are waiting for an answer/)
      }
      assert.ok(
        queries <= answered * perCall,
        `${queries} queries for ${answered} answered calls of ${perCall} each`
      )
    } finally {
      db.off('query', countQuery)
    }
  })

  it('bounds one person’s calls in flight across many connections, and leaves another person alone', async () => {
    const person = await buildUser(server.app)
    const bound = server.app.get('limits').calls_in_flight
    const clients = await Promise.all(Array.from({ length: 4 }, () => socketClient(server.url, person)))
    const settled = await Promise.allSettled(
      clients.flatMap((client) => Array.from({ length: bound }, () => client.service('channels').find({})))
    )
    const refusals = settled
      .filter((outcome) => outcome.status === 'rejected')
      .map((outcome) => outcome.reason)
    assert.ok(refusals.length >= bound * 2, `${refusals.length} of ${bound * 4} refused`)
    assert.ok(refusals.every((refusal) => refusal.code === 429 && /on this person/.test(refusal.message)))
    const other = await socketClient(server.url, await buildUser(server.app))
    assert.ok(await other.service('channels').find({}), 'another person is not bounded by it')
  })

  it('answers 429 over HTTP with Retry-After and retry_after_seconds, per person, and leaves internal calls alone', async () => {
    const person = await buildUser(server.app)
    const token = await login(server.url, person)
    let answer = await http<ErrorBody<{ retry_after_seconds: number }>>(
      server.url,
      'GET',
      `/users/${person.id}`,
      { token }
    )
    for (let i = 0; answer.status === 200 && i < CALLS_PER_MINUTE + 5; i++) {
      answer = await http<ErrorBody<{ retry_after_seconds: number }>>(
        server.url,
        'GET',
        `/users/${person.id}`,
        { token }
      )
    }
    assert.strictEqual(answer.status, 429)
    assert.strictEqual(answer.body.name, 'TooManyRequests')
    const retryAfter = answer.body.data.retry_after_seconds
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry_after_seconds ${retryAfter}`)
    const response = await fetch(`${server.url}/users/${person.id}`, {
      headers: { Authorization: `Bearer ${token}` }
    })
    assert.strictEqual(response.status, 429)
    const header = response.headers.get('retry-after')
    assert.ok(Math.abs(Number(header) - retryAfter) <= 1, `Retry-After ${header}`)

    // Someone else, and admin tooling, are not held to this person's budget
    const workerToken = await login(server.url, world.worker)
    assert.strictEqual(
      (await http(server.url, 'GET', `/users/${world.worker.id}`, { token: workerToken })).status,
      200
    )
    const internal = await server.app
      .service('messages')
      .find({ query: { channel_id: channelId }, user: person } as any)
      .catch((error) => error)
    assert.notStrictEqual(internal.code, 429)
  })

  // Last: it spends this address's budget, which logins from it share
  it('counts calls without a valid token against their address', async () => {
    const loggedIn: ClientApplication = await socketClient(server.url, await buildUser(server.app))
    const statuses: number[] = []
    for (let i = 0; i < CALLS_PER_MINUTE + 5 && !statuses.includes(429); i++) {
      // Without connections.trust_proxy, a forwarded-for header of the caller's choosing changes nothing
      const response = await fetch(`${server.url}/messages?channel_id=1`, {
        headers: {
          Authorization: 'Bearer forged.token.value',
          'X-Forwarded-For': `10.0.${i >> 8}.${i & 255}`
        }
      })
      await response.arrayBuffer()
      statuses.push(response.status)
    }
    assert.deepStrictEqual([...new Set(statuses)], [401, 429])
    // A logged-in person from the same address spends their own budget
    assert.ok(await loggedIn.service('channels').find({}))
  })
})

describe('the address budget behind a load balancer (connections.trust_proxy)', () => {
  const server = useServer({ limits: { calls_per_minute: 5 }, connections: { trust_proxy: true } })

  const callFrom = async (forwardedFor: string) => {
    const response = await fetch(`${server.url}/messages?channel_id=1`, {
      headers: { 'X-Forwarded-For': forwardedFor }
    })
    await response.arrayBuffer()
    return response.status
  }

  it('counts by the address the load balancer appended, whatever the client put to its left', async () => {
    const fromOneClient = []
    for (let i = 0; i < 8; i++) fromOneClient.push(await callFrom(`10.9.${i}.1, 192.0.2.7`))
    assert.deepStrictEqual([...new Set(fromOneClient)], [401, 429])
    const fromOthers = []
    for (let i = 0; i < 8; i++) fromOthers.push(await callFrom(`192.0.2.7, 198.51.100.${i}`))
    assert.deepStrictEqual([...new Set(fromOthers)], [401])
  })
})

describe('a token its owner has ended (behind a load balancer, so that the two are told apart)', () => {
  const BUDGET = 20
  const server = useServer({ limits: { calls_per_minute: BUDGET }, connections: { trust_proxy: true } })

  const call = async (method: string, path: string, from: string, token?: string, body?: unknown) => {
    const response = await fetch(server.url + path, {
      method,
      headers: {
        'X-Forwarded-For': from,
        'Content-Type': 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {})
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    return { status: response.status, body: await response.json() }
  }
  const loginFrom = async (from: string, who: { email: string; password: string }) =>
    (await call('POST', '/authentication', from, undefined, { strategy: 'local', ...who })).body
      .accessToken as string

  it('spends its sender’s address budget, not its owner’s: a stolen token cannot lock the owner out', async () => {
    const owner = await buildUser(server.app)
    const stolen = await loginFrom('10.0.0.66', owner)
    const password = 'the owner’s new passphrase'
    const changed = await call('PATCH', `/users/${owner.id}`, '10.0.0.7', stolen, {
      password,
      current_password: owner.password
    })
    assert.strictEqual(changed.status, 200)

    const attacker: number[] = []
    for (let i = 0; i < BUDGET + 5; i++)
      attacker.push((await call('GET', '/channels', '10.0.0.66', stolen)).status)
    assert.deepStrictEqual([...new Set(attacker)], [401, 429])

    const fresh = await loginFrom('10.0.0.7', { email: owner.email, password })
    assert.strictEqual(
      (await call('GET', '/channels', '10.0.0.7', fresh)).status,
      200,
      'the owner still has their budget'
    )
  })
})
