import assert from 'assert'
import { spawn } from 'child_process'
import crypto from 'crypto'
import { useServer } from '../helpers/app'
import { testDatabaseUrl } from '../helpers/database'
import { buildUser } from '../helpers/factories'
import { bookingWorld } from '../helpers/fixtures'
import { closeClients, http, login, waitUntil } from '../helpers/clients'
import { killTree, nodeWithTsx, serve } from '../helpers/processes'
import type { Command } from '../helpers/processes'
import { jsonLogLines } from '../helpers/served-app'
import { notificationSettings } from '../helpers/notifications'
import { maskEmail, maskPhone, maskToken } from '../../src/logging/log-masking'

/**
 * Logs travel further than the database (collectors, support tickets): at info, the
 * process names no phone number, push token, email or message words, only masks that
 * tell them apart.
 */
describe('what the process logs at info', function () {
  this.timeout(60_000)
  // Its worker stays off, so that the process under test sends every delivery
  const server = useServer(() => ({ notifications: notificationSettings({ delay_seconds: 0 }) }))
  let command: Command | undefined
  after(() => killTree(command))

  const phone = `+1555${crypto.randomInt(1_000_000, 9_999_999)}`
  // The longest token accepted: a credential, and a line's worth of noise per delivery
  const deviceToken = crypto.randomBytes(384).toString('base64url')
  const adminEmail = `bootstrap-${crypto.randomBytes(4).toString('hex')}@example.test`
  const content = `Gate code ${crypto.randomInt(100_000, 999_999)}`

  it('masks the phone number and push token of a delivery and the email of the bootstrap admin', async () => {
    const recipient = await buildUser(server.app, { phone })
    const world = await bookingWorld(server.app, { booking: { supervisor_id: recipient.id } })
    await server.app
      .service('device-tokens')
      .create({ token: deviceToken, platform: 'android' }, { user: recipient })

    const served = await serve({
      DATABASE_URL: testDatabaseUrl,
      LOG_LEVEL: 'info',
      NOTIFICATIONS_DELAY_SECONDS: '0',
      BOOTSTRAP_ADMIN_EMAIL: adminEmail,
      BOOTSTRAP_ADMIN_PASSWORD: 'a bootstrap password'
    })
    command = served.command
    const token = await login(served.url, world.worker)
    const sent = await http(served.url, 'POST', '/messages', {
      token,
      body: { context_type: 'booking', context_id: world.booking.id, content }
    })
    assert.strictEqual(sent.status, 201, sent.text)

    const entries = () => jsonLogLines(command!)
    const delivered = (message: string) =>
      entries().find((entry) => entry.message === message && entry.body?.includes('Booking'))
    await waitUntil(
      () => Boolean(delivered('sms (log provider)') && delivered('push (log provider)')),
      'both deliveries logged',
      20_000
    )

    assert.strictEqual(delivered('sms (log provider)').to, maskPhone(phone))
    assert.strictEqual(delivered('push (log provider)').token, maskToken(deviceToken))
    assert.ok(
      entries().some(
        (entry) => entry.message === 'created the bootstrap admin' && entry.email === maskEmail(adminEmail)
      )
    )

    const output = command.output()
    for (const [what, secret] of [
      ['phone number', phone],
      ['its local part', phone.slice(2)],
      ['push token', deviceToken],
      ['the start of the push token', deviceToken.slice(0, 16)],
      ['email', adminEmail],
      ['message words', content]
    ]) {
      assert.ok(!output.includes(secret), `the log holds the ${what}`)
    }
    closeClients()
  })

  it('masks to a shape that still tells numbers and tokens apart', () => {
    assert.strictEqual(maskPhone('+15551234567'), '+1555****567')
    assert.strictEqual(maskPhone('+447700900123'), '+4477*****123')
    assert.strictEqual(maskPhone('+3412345'), '+3***345')
    assert.match(maskToken(deviceToken), /^sha256:[0-9a-f]{12} \(512 chars\)$/)
    // Another last character (a random token ends in x one time in 64)
    const other = `${deviceToken.slice(0, -1)}${deviceToken.endsWith('x') ? 'y' : 'x'}`
    assert.notStrictEqual(maskToken(deviceToken), maskToken(other))
    assert.strictEqual(maskEmail('ana.lopez@example.com'), 'a***@example.com')
  })
})

describe('the order of what the process logs', function () {
  this.timeout(30_000)

  it('writes access lines, batched, before any line logged after them, and the rest on exit', async () => {
    // More access lines than one batch holds, a warning between them, and some left at exit
    const script = `
      const { logger } = require('./src/logging/logger.ts')
      const line = (n) => logger.access('socket call', { request_id: 'r' + n, method: 'create', duration_ms: 1 })
      for (let n = 0; n < 3; n++) line(n)
      logger.warn('first warning')
      for (let n = 3; n < 203; n++) line(n)
      logger.warn('second warning')
      for (let n = 203; n < 205; n++) line(n)
    `
    const child = spawn(process.execPath, [...nodeWithTsx, '--input-type=commonjs', '-e', script], {
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info' }
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const code = await new Promise((resolve) => child.once('exit', resolve))
    assert.strictEqual(code, 0, stderr)
    const said = stderr
      .split('\n')
      .filter(Boolean)
      .map((text) => JSON.parse(text))
      .map((entry) => (entry.message === 'socket call' ? entry.request_id : entry.message))
    const requests = (from: number, to: number) => Array.from({ length: to - from }, (_, n) => `r${from + n}`)
    assert.deepStrictEqual(said, [
      ...requests(0, 3),
      'first warning',
      ...requests(3, 203),
      'second warning',
      ...requests(203, 205)
    ])
  })
})
