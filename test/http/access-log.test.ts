import assert from 'assert'
import crypto from 'crypto'
import { login, sleep, socketClient, waitUntil } from '../helpers/clients'
import { jsonLogLines, useServedApp } from '../helpers/served-app'
import { acceptedRequestId } from '../../src/logging/call-context'

const CALLS_PER_MINUTE = 20
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * What an operator follows in the log: one access line per HTTP request and per Socket.io
 * call, and the request id on every line written during it, from a process of its own
 * at info; never a password, a token or what someone wrote.
 */
describe('the access log and request ids', function () {
  this.timeout(90_000)
  const served = useServedApp({
    LOG_LEVEL: 'info',
    CALLS_PER_MINUTE: String(CALLS_PER_MINUTE)
  })

  const lines = () => jsonLogLines(served.command)
  const accessLines = (message: string) => lines().filter((line) => line.message === message)

  const get = (path: string, headers: Record<string, string> = {}) => fetch(served.url + path, { headers })

  it('answers the client’s X-Request-Id and logs the request under it', async () => {
    const given = `client-${crypto.randomBytes(6).toString('hex')}`
    const response = await get('/health', { 'X-Request-Id': given })
    assert.strictEqual(response.status, 200)
    assert.strictEqual(response.headers.get('x-request-id'), given)
    await waitUntil(() => accessLines('http request').some((line) => line.request_id === given), 'its line')
    const line = accessLines('http request').find((entry) => entry.request_id === given)
    assert.strictEqual(line.level, 'info')
    assert.strictEqual(line.method, 'GET')
    assert.strictEqual(line.path, '/health')
    assert.strictEqual(line.status, 200)
    assert.ok(typeof line.duration_ms === 'number' && line.duration_ms >= 0, JSON.stringify(line))
  })

  it('makes up an id for a request without one, and answers it', async () => {
    const response = await get('/ready')
    const id = response.headers.get('x-request-id') ?? ''
    assert.match(id, UUID)
    await waitUntil(() => accessLines('http request').some((line) => line.request_id === id), 'its line')
  })

  it('replaces an X-Request-Id that is too long or holds what does not belong in a log', async () => {
    const unfit = [
      'x'.repeat(10 * 1024),
      'abc"}\t{"level":"error","message":"forged',
      'a b',
      'id-ünïcode',
      // Node joins two X-Request-Id headers with a comma and a space
      ''
    ]
    for (const value of unfit) {
      const headers = new Headers()
      if (value) headers.set('X-Request-Id', value)
      else (headers.append('X-Request-Id', 'one'), headers.append('X-Request-Id', 'two'))
      const response = await fetch(`${served.url}/health`, { headers })
      assert.strictEqual(response.status, 200)
      assert.match(response.headers.get('x-request-id') ?? '', UUID, `instead of ${value.slice(0, 40)}`)
    }
    // Newlines cannot be sent in a header: the check itself refuses them
    assert.match(acceptedRequestId('abc\n{"level":"error"}'), UUID)
    assert.match(acceptedRequestId('abc\r\ndef'), UUID)
    assert.strictEqual(acceptedRequestId('a'.repeat(128)), 'a'.repeat(128))
    assert.match(acceptedRequestId('a'.repeat(129)), UUID)
    await sleep(200)
    const output = served.command.output()
    assert.ok(!output.includes('x'.repeat(200)), 'the long id reached the log')
    assert.ok(!output.includes('forged'), 'the forged line reached the log')
    assert.deepStrictEqual(
      lines().filter((line) => line.level === 'error'),
      []
    )
  })

  it('logs a REST call with its route and person, and never the password, the token or the message', async () => {
    const content = `Gate code ${crypto.randomInt(100_000, 999_999)}`
    const token = await login(served.url, served.world.worker)
    const given = `send-${crypto.randomBytes(6).toString('hex')}`
    const sent = await fetch(`${served.url}/messages?secret_query=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
        'X-Request-Id': given
      },
      body: JSON.stringify({ context_type: 'booking', context_id: served.world.booking.id, content })
    })
    assert.strictEqual(sent.status, 201, await sent.text())
    assert.strictEqual(sent.headers.get('x-request-id'), given)
    // Logging out names the token in the path
    const loggedOut = await fetch(`${served.url}/authentication/${token}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` }
    })
    assert.ok(loggedOut.status < 500, String(loggedOut.status))
    // A token pasted into a path that is no service's route
    for (const path of [`/authentication/${token}/x`, `/nowhere/${token}`]) {
      const missed = await fetch(served.url + path, { headers: { 'X-Request-Id': `${given}-missed` } })
      assert.strictEqual(missed.status, 404, path)
    }
    await waitUntil(
      () => accessLines('http request').filter((line) => line.request_id === `${given}-missed`).length === 2,
      'the missed paths’ lines'
    )
    assert.deepStrictEqual(
      accessLines('http request')
        .filter((line) => line.request_id === `${given}-missed`)
        .map((line) => line.path),
      ['/authentication/:long/x', '/nowhere/:long']
    )

    await waitUntil(
      () => accessLines('http request').filter((line) => line.path === '/authentication/:id').length > 0,
      'the logout’s line'
    )
    const line = accessLines('http request').find((entry) => entry.request_id === given)
    assert.deepStrictEqual(
      { ...line, time: undefined, duration_ms: undefined },
      {
        level: 'info',
        time: undefined,
        message: 'http request',
        request_id: given,
        user_id: served.world.worker.id,
        method: 'POST',
        path: '/messages',
        status: 201,
        duration_ms: undefined
      }
    )
    const loginLine = accessLines('http request').find(
      (entry) => entry.path === '/authentication' && entry.method === 'POST' && entry.status === 201
    )
    assert.strictEqual(loginLine?.user_id, served.world.worker.id, 'the login’s line names who logged in')

    const output = served.command.output()
    for (const [what, secret] of [
      ['password', served.world.worker.password],
      ['token', token],
      ['token’s signature', token.split('.')[2]],
      ['message text', content],
      ['query parameter', 'secret_query']
    ]) {
      assert.ok(!output.includes(secret), `the log holds the ${what}`)
    }
  })

  it('logs each Socket.io call with its own id, person and connection, and never the password or the message', async () => {
    const content = `Door code ${crypto.randomInt(100_000, 999_999)}`
    const client = await socketClient(served.url, served.world.supervisor)
    await client
      .service('messages')
      .create({ context_type: 'booking', context_id: served.world.booking.id, content })
    const refused = await client
      .service('messages')
      .get(2 ** 31 - 1)
      .catch((error) => error)
    assert.strictEqual(refused.code, 404)

    const socketLines = () =>
      accessLines('socket call').filter((line) => line.user_id === served.world.supervisor.id)
    await waitUntil(() => socketLines().some((line) => line.status === 404), 'the refused call’s line')
    const [loggedIn, created, missing] = ['create:authentication', 'create:messages', 'get:messages'].map(
      (call) => socketLines().find((line) => `${line.method}:${line.service}` === call)
    )
    assert.strictEqual(loggedIn?.status, 201, 'the login’s line names who logged in')
    assert.deepStrictEqual(
      {
        ...created,
        time: undefined,
        duration_ms: undefined,
        request_id: undefined,
        connection_id: undefined
      },
      {
        level: 'info',
        time: undefined,
        message: 'socket call',
        request_id: undefined,
        user_id: served.world.supervisor.id,
        connection_id: undefined,
        service: 'messages',
        method: 'create',
        status: 201,
        duration_ms: undefined
      }
    )
    assert.match(created.request_id, UUID)
    assert.strictEqual(typeof created.duration_ms, 'number')
    assert.strictEqual(missing.status, 404)
    assert.notStrictEqual(missing.request_id, created.request_id, 'one id per call')
    assert.ok(created.connection_id && created.connection_id === missing.connection_id, 'one connection')
    assert.strictEqual(loggedIn.connection_id, created.connection_id)

    const output = served.command.output()
    assert.ok(!output.includes(content), 'the log holds the message text')
    assert.ok(!output.includes(served.world.supervisor.password), 'the log holds the password')
  })

  it('carries the request id into what a call’s hooks log, over REST and Socket.io', async () => {
    // Past the per-person budget, the first refusal is logged by the rate limit, during the call
    const token = await login(served.url, served.world.lenderAdmin)
    const ids: string[] = []
    let firstRefused: string | undefined
    for (let call = 0; call <= CALLS_PER_MINUTE && !firstRefused; call++) {
      const id = `flood-${call}-${crypto.randomBytes(4).toString('hex')}`
      ids.push(id)
      const response = await fetch(`${served.url}/messages?channel_id=${served.channelId}`, {
        headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': id }
      })
      if (response.status === 429) firstRefused = id
    }
    assert.ok(firstRefused, `no 429 in ${ids.length} calls`)
    const refusalLine = () =>
      lines().find(
        (line) =>
          /rate limit reached/.test(line.message) && line.key === `user:${served.world.lenderAdmin.id}`
      )
    await waitUntil(() => Boolean(refusalLine()), 'the refusal’s line')
    assert.strictEqual(refusalLine().request_id, firstRefused, JSON.stringify(refusalLine()))
    assert.strictEqual(refusalLine().level, 'warn')

    const attacker = await socketClient(served.url, served.world.lenderManager)
    await Promise.allSettled(
      Array.from({ length: CALLS_PER_MINUTE + 5 }, () =>
        attacker.service('messages').find({ query: { channel_id: served.channelId } })
      )
    )
    const socketRefusal = () =>
      lines().find(
        (line) =>
          /rate limit reached/.test(line.message) && line.key === `user:${served.world.lenderManager.id}`
      )
    await waitUntil(() => Boolean(socketRefusal()), 'the socket refusal’s line')
    const itsCall = accessLines('socket call').find((line) => line.request_id === socketRefusal().request_id)
    assert.strictEqual(itsCall?.status, 429, JSON.stringify(socketRefusal()))
    assert.strictEqual(itsCall.user_id, served.world.lenderManager.id)
  })
})
