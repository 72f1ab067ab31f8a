import assert from 'assert'
import https from 'https'
import { createFcmProvider } from '../../../../src/modules/notifications/providers/fcm'
import type { FcmProvider } from '../../../../src/modules/notifications/providers/fcm'
import { createProviders } from '../../../../src/modules/notifications/providers'
import {
  createLogPushProvider,
  createLogSmsProvider
} from '../../../../src/modules/notifications/providers/log'
import { DeliveryError } from '../../../../src/modules/notifications/providers/provider'
import { createTwilioProvider } from '../../../../src/modules/notifications/providers/twilio'
import { startTwilioStub } from '../../../helpers/twilio-stub'
import { startFcmStub, writeServiceAccount } from '../../../helpers/fcm-stub'
import type { TwilioStub } from '../../../helpers/twilio-stub'
import type { FcmStub } from '../../../helpers/fcm-stub'

const ACCOUNT_SID = `AC${'0'.repeat(31)}1`
const AUTH_TOKEN = 'test-auth-token'
const FROM = '+15005550006'
const PROJECT = 'test-project'
const push = { title: 'Booking #42', body: '3 new messages from Ana', data: { channel_id: '42' } }

// Asserts that a send failed with a DeliveryError of the given kind
async function rejectsWith(send: Promise<string>, expected: { permanent: boolean; unregistered?: boolean }) {
  await assert.rejects(send, (error: unknown) => {
    assert.ok(error instanceof DeliveryError, `expected a DeliveryError, got ${String(error)}`)
    assert.deepEqual(
      { permanent: error.permanent, unregistered: error.unregistered },
      { unregistered: false, ...expected }
    )
    return true
  })
}

describe('notification providers', () => {
  describe('twilio, through the SDK against a loopback stub', () => {
    let stub: TwilioStub
    const twilio = (httpClient = stub.httpClient()) =>
      createTwilioProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM }, { httpClient })

    before(async () => {
      stub = await startTwilioStub()
    })
    after(() => stub.close())
    beforeEach(() => stub.reset())

    it('posts To, From and Body with Basic auth for the account and resolves with the message sid', async () => {
      const sid = await twilio().send('+15551230001', 'Ana: see you at 9')
      assert.match(sid, /^SM[0-9a-f]{32}$/)
      assert.equal(stub.requests.length, 1)
      const [request] = stub.requests
      assert.equal(request.method, 'POST')
      assert.equal(request.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`)
      assert.deepEqual(request.form, { To: '+15551230001', From: FROM, Body: 'Ana: see you at 9' })
      assert.equal(
        request.authorization,
        `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`
      )
    })

    it('a 500 is transient', async () => {
      stub.failNext(500)
      await rejectsWith(twilio().send('+15551230001', 'hi'), { permanent: false })
    })

    it('a 429 is transient, and the SDK does not retry it by itself', async () => {
      stub.failNext(429)
      await rejectsWith(twilio().send('+15551230001', 'hi'), { permanent: false })
      assert.equal(stub.requests.length, 1)
    })

    it("a 400 with code 21211 (invalid 'To' number) is permanent", async () => {
      stub.failNext(400)
      const send = twilio().send('+1555', 'hi')
      await rejectsWith(send, { permanent: true })
      await send.catch((error: Error) =>
        assert.match(error.message, /21211.*'To' number \+1555 is not a valid phone number/)
      )
    })

    it('a refused connection is transient', async () => {
      const down = await startTwilioStub()
      await down.close()
      await rejectsWith(twilio(down.httpClient()).send('+15551230001', 'hi'), { permanent: false })
    })
  })

  describe('fcm, through firebase-admin against a loopback TLS stub', () => {
    let stub: FcmStub
    let fcm: FcmProvider

    before(async () => {
      stub = await startFcmStub()
      fcm = createFcmProvider({ credential: stub.credential, projectId: PROJECT }, { httpAgent: stub.agent })
    })
    after(async () => {
      await fcm.close()
      await stub.close()
    })
    beforeEach(() => stub.reset())

    it('posts the token, notification and data with the bearer token and resolves with the message name', async () => {
      const name = await fcm.send('device-token-1', push)
      assert.match(name, new RegExp(`^projects/${PROJECT}/messages/`))
      assert.equal(stub.requests.length, 1)
      const [request] = stub.requests
      assert.equal(request.method, 'POST')
      assert.equal(request.path, `/v1/projects/${PROJECT}/messages:send`)
      assert.equal(request.authorization, 'Bearer test-token')
      assert.deepEqual(request.body.message, {
        token: 'device-token-1',
        notification: { title: push.title, body: push.body },
        data: { channel_id: '42' }
      })
    })

    it('a 500 INTERNAL is transient, and firebase-admin does not retry it by itself', async () => {
      stub.failNext(500)
      await rejectsWith(fcm.send('device-token-1', push), { permanent: false })
      assert.equal(stub.requests.length, 1)
    })

    it('a 429 QUOTA_EXCEEDED is transient, and firebase-admin does not retry it by itself', async () => {
      stub.failNext(429)
      await rejectsWith(fcm.send('device-token-1', push), { permanent: false })
      assert.equal(stub.requests.length, 1)
    })

    it('a 404 UNREGISTERED is permanent and marks the token unregistered', async () => {
      stub.failNext(404)
      await rejectsWith(fcm.send('stale-token', push), { permanent: true, unregistered: true })
    })

    it('a 400 INVALID_ARGUMENT is permanent', async () => {
      stub.failNext(400)
      await rejectsWith(fcm.send('not-a-token', push), { permanent: true })
    })

    it('a 503 UNAVAILABLE is retried by firebase-admin itself (the first retry without delay)', async () => {
      stub.failNext(503)
      assert.match(await fcm.send('device-token-1', push), /^projects\//)
      assert.equal(stub.requests.length, 2)
    })

    it('a refused connection is transient', async () => {
      const down = await startFcmStub()
      await down.close()
      const unreachable = createFcmProvider(
        { credential: down.credential, projectId: PROJECT },
        { httpAgent: down.agent }
      )
      try {
        await rejectsWith(unreachable.send('device-token-1', push), { permanent: false })
      } finally {
        await unreachable.close()
      }
    })

    it('the test agent refuses any host but the stubbed one', () => {
      assert.throws(() => https.get('https://example.com/', { agent: stub.agent }), /refuses example\.com/)
    })
  })

  describe('createProviders', () => {
    const none = {
      twilio: { accountSid: null, authToken: null, from: null },
      firebase: { serviceAccount: null }
    }

    it('uses the log providers when nothing is configured', async () => {
      const providers = createProviders(none)
      assert.deepEqual([providers.sms.name, providers.push.name], ['log', 'log'])
      await providers.close()
    })

    it('uses the log SMS provider when a Twilio setting is missing', async () => {
      const providers = createProviders({
        ...none,
        twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: null }
      })
      assert.equal(providers.sms.name, 'log')
      await providers.close()
    })

    it('uses twilio and fcm when they are configured', async () => {
      const account = writeServiceAccount(PROJECT)
      try {
        const providers = createProviders({
          twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM },
          firebase: { serviceAccount: account.file }
        })
        assert.deepEqual([providers.sms.name, providers.push.name], ['twilio', 'fcm'])
        await providers.close()
      } finally {
        account.remove()
      }
    })

    it('fails at startup when the service account file cannot be read', () => {
      assert.throws(() =>
        createProviders({ ...none, firebase: { serviceAccount: '/nonexistent/service-account.json' } })
      )
    })
  })

  describe('log providers', () => {
    it('record and number what they were given', async () => {
      const sms = createLogSmsProvider()
      const pushes = createLogPushProvider()
      assert.equal(await sms.send('+15551230001', 'first'), 'log-1')
      assert.equal(await sms.send('+15551230002', 'second'), 'log-2')
      assert.equal(await pushes.send('device-token-1', push), 'log-1')
      assert.deepEqual(sms.sent, [
        { id: 'log-1', to: '+15551230001', body: 'first' },
        { id: 'log-2', to: '+15551230002', body: 'second' }
      ])
      assert.deepEqual(pushes.sent, [{ id: 'log-1', token: 'device-token-1', notification: push }])
    })
  })
})
