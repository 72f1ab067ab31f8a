import assert from 'assert'
import { startApp } from '../../../helpers/app'
import type { TestServer } from '../../../helpers/app'
import { buildUser, openBookingChannel } from '../../../helpers/factories'
import { bookingWorld } from '../../../helpers/fixtures'
import { notificationSettings } from '../../../helpers/notifications'
import { startTwilioStub } from '../../../helpers/twilio-stub'
import { startFcmStub } from '../../../helpers/fcm-stub'
import type { TwilioStub } from '../../../helpers/twilio-stub'
import type { FcmStub } from '../../../helpers/fcm-stub'
import { notificationsOf } from '../../../../src/modules/notifications'
import { createTwilioProvider } from '../../../../src/modules/notifications/providers/twilio'
import { createFcmProvider } from '../../../../src/modules/notifications/providers/fcm'
import type { FcmProvider } from '../../../../src/modules/notifications/providers/fcm'
import type { Notification } from '../../../../src/client'

const ACCOUNT_SID = `AC${'0'.repeat(31)}2`
const FROM = '+15005550006'

describe('notifications through the Twilio and Firebase SDKs', function () {
  this.timeout(30_000)
  let server: TestServer
  let twilio: TwilioStub
  let fcm: FcmStub
  let fcmProvider: FcmProvider
  let now: Date
  const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000))

  before(async () => {
    twilio = await startTwilioStub()
    fcm = await startFcmStub()
    server = await startApp({
      notifications: notificationSettings({ delay_seconds: 0, retry_base_seconds: 10 })
    })
    const module = notificationsOf(server.app)
    now = new Date('2026-11-24T12:00:00Z')
    module.clock.now = () => now
    module.providers.sms = createTwilioProvider(
      { accountSid: ACCOUNT_SID, authToken: 'test-auth-token', from: FROM },
      { httpClient: twilio.httpClient() }
    )
    fcmProvider = createFcmProvider(
      { credential: fcm.credential, projectId: 'test-project' },
      { httpAgent: fcm.agent }
    )
    module.providers.push = fcmProvider
  })
  after(async () => {
    await fcmProvider.close()
    await server.close()
    await twilio.close()
    await fcm.close()
  })
  beforeEach(() => {
    twilio.reset()
    fcm.reset()
  })

  async function scene(recipientData: Record<string, unknown>) {
    const world = await bookingWorld(server.app)
    const recipient = await buildUser(server.app, recipientData)
    await server.app.service('bookings').patch(world.booking.id, { supervisor_id: recipient.id })
    const channel = await openBookingChannel(server.app, world)
    const send = async () => {
      await server.app
        .service('messages')
        .create({ channel_id: channel.id, content: 'Gate code?' }, { user: world.worker })
      await notificationsOf(server.app).planner.settled()
    }
    const rows = (): Promise<Notification[]> =>
      server.app.get('postgresqlClient')('notifications').where({ user_id: recipient.id }).orderBy('id')
    return { world, recipient, channel, send, rows }
  }
  const pass = () => notificationsOf(server.app).scheduler.runOnce()

  it('sends the SMS through Twilio: To, From and the counted text', async () => {
    const { recipient, world, send, rows } = await scene({ phone: '+15557000001' })
    await send()
    await pass()
    assert.strictEqual(twilio.requests.length, 1)
    const { form } = twilio.requests[0]
    assert.strictEqual(form.To, recipient.phone)
    assert.strictEqual(form.From, FROM)
    assert.strictEqual(
      form.Body,
      `1 new message from ${world.worker.name.split(' ')[0]} in Booking #${world.booking.id}`
    )
    const [row] = await rows()
    assert.deepStrictEqual([row.status, row.provider, row.attempts], ['sent', 'twilio', 1])
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    assert.match(
      metrics,
      /chat_notification_deliveries_total\{kind="sms",provider="twilio",status="sent"\} 1/
    )
  })

  it('retries a transient failure (500, then 429) with backoff and counts the attempts', async () => {
    const { send, rows } = await scene({ phone: '+15557000002' })
    twilio.failNext(500, 429)
    await send()
    await pass()
    let [row] = await rows()
    assert.deepStrictEqual([row.status, row.attempts], ['pending', 1])
    assert.match(row.last_error!, /./)
    assert.ok(Date.parse(row.scheduled_for) > now.getTime(), 'the retry waits')

    await pass()
    assert.strictEqual(twilio.requests.length, 1, 'not before its time')
    later(60)
    await pass()
    ;[row] = await rows()
    assert.deepStrictEqual([row.status, row.attempts], ['pending', 2])
    later(120)
    await pass()
    ;[row] = await rows()
    assert.deepStrictEqual([row.status, row.attempts], ['sent', 3])
    assert.strictEqual(twilio.requests.length, 3)
  })

  it('fails at once on a permanent error (invalid number) and after the last attempt on transient ones', async () => {
    const invalid = await scene({ phone: '+15557000003' })
    twilio.failNext(400)
    await invalid.send()
    await pass()
    const [failed] = await invalid.rows()
    assert.deepStrictEqual([failed.status, failed.attempts], ['failed', 1])
    assert.match(failed.last_error!, /not a valid phone number/)

    const flaky = await scene({ phone: '+15557000004' })
    twilio.failNext(500, 500, 500)
    await flaky.send()
    for (let i = 0; i < 3; i++) {
      await pass()
      later(600)
    }
    const [exhausted] = await flaky.rows()
    assert.deepStrictEqual([exhausted.status, exhausted.attempts], ['failed', 3])
  })

  it('pushes to each device through FCM and forgets a token FCM reports unregistered', async () => {
    const { recipient, channel, send, rows } = await scene({})
    const devices = server.app.service('device-tokens')
    await devices.create({ token: 'token-a', platform: 'android' }, { user: recipient })
    await devices.create({ token: 'token-b', platform: 'ios' }, { user: recipient })
    await send()
    fcm.failNext(404)
    await pass()

    assert.strictEqual(fcm.requests.length, 2)
    const bodies: any[] = fcm.requests.map((request) => request.body.message)
    assert.deepStrictEqual(bodies.map((message) => message.token).sort(), ['token-a', 'token-b'])
    for (const message of bodies) {
      assert.strictEqual(message.data.channel_id, String(channel.id))
      assert.match(message.notification.body, /^1 new message from/)
      assert.match(message.notification.title, /^Booking #\d+$/)
    }
    assert.strictEqual(fcm.requests[0].authorization, 'Bearer test-token')
    const statuses = (await rows()).map((row) => row.status).sort()
    assert.deepStrictEqual(statuses, ['failed', 'sent'])
    // The stub answered the first request UNREGISTERED: that token is forgotten, the other kept
    const unregistered = bodies[0].token
    const remaining = await devices.find({ query: { user_id: recipient.id }, paginate: false })
    assert.deepStrictEqual(
      remaining.map((device) => device.token),
      [unregistered === 'token-a' ? 'token-b' : 'token-a']
    )
  })

  it('writes the whole pass when one token, planned in two channels, is reported unregistered twice', async () => {
    const first = await scene({})
    const second = await bookingWorld(server.app)
    await server.app.service('bookings').patch(second.booking.id, { supervisor_id: first.recipient.id })
    const secondChannel = await openBookingChannel(server.app, second)
    await server.app
      .service('device-tokens')
      .create({ token: 'token-dead', platform: 'android' }, { user: first.recipient })
    // Someone else's SMS goes out in the same pass
    const bystander = await scene({ phone: '+15554999001' })
    await first.send()
    await server.app
      .service('messages')
      .create({ channel_id: secondChannel.id, content: 'Gate code?' }, { user: second.worker })
    await bystander.send()
    await notificationsOf(server.app).planner.settled()
    fcm.failNext(404, 404)
    await pass()

    assert.strictEqual(fcm.requests.length, 2, 'both pushes went to the dead token')
    assert.deepStrictEqual(
      (await first.rows()).map((row) => row.status),
      ['failed', 'failed']
    )
    const [sms] = await bystander.rows()
    assert.strictEqual(sms.status, 'sent', 'the rest of the pass is written')
    assert.strictEqual(sms.sending_at, null)
    const remaining = await server.app
      .service('device-tokens')
      .find({ query: { user_id: first.recipient.id }, paginate: false })
    assert.deepStrictEqual(remaining, [])
  })
})
