import assert from 'assert'
import { useServer } from '../../helpers/app'
import { buildUser, openBookingChannel } from '../../helpers/factories'
import { bookingWorld } from '../../helpers/fixtures'
import { notificationsOf } from '../../../src/modules/notifications'
import type { LogSmsProvider } from '../../../src/modules/notifications/providers/log'
import { notificationSettings } from '../../helpers/notifications'
import { senderNameForNotification } from '../../../src/modules/notifications/text'

describe('notification text: names stored before names were sanitized', () => {
  const server = useServer({ notifications: notificationSettings() })
  let now: Date

  before(() => {
    now = new Date('2026-11-24T12:00:00Z')
    notificationsOf(server.app).clock.now = () => now
  })

  /** The SMS an offline supervisor gets for one message of a worker whose stored name is `name`. */
  async function smsFrom(name: string) {
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`
    const world = await bookingWorld(server.app)
    const recipient = await buildUser(server.app, { phone })
    await server.app.service('bookings').patch(world.booking.id, { supervisor_id: recipient.id })
    const channel = await openBookingChannel(server.app, world)
    // Written past the service, as a row written before this release would be
    await server.app.get('postgresqlClient')('users').where({ id: world.worker.id }).update({ name })
    const module = notificationsOf(server.app)
    await server.app
      .service('messages')
      .create({ channel_id: channel.id, content: 'Where are the keys?' }, { user: world.worker })
    await module.planner.settled()
    now = new Date(now.getTime() + 31_000)
    await module.scheduler.runOnce()
    const sent = (module.providers.sms as LogSmsProvider).sent.filter((sms) => sms.to === phone)
    assert.strictEqual(sent.length, 1)
    return { body: sent[0].body, label: `Booking #${world.booking.id}` }
  }

  it('names the sender by the text of the name, without its markup', async () => {
    const { body, label } = await smsFrom('<img/src=x/onerror=alert(1)> Eve Stone')
    assert.strictEqual(body, `1 new message from Eve in ${label}`)
  })

  it('hides a control character trick too', async () => {
    const { body, label } = await smsFrom('<\u0085svg onload=alert(1)>Mallory')
    assert.strictEqual(body, `1 new message from Mallory in ${label}`)
  })

  it('says "someone" for a name that is nothing but markup', async () => {
    const { body, label } = await smsFrom('<svg onload=alert(1)>')
    assert.strictEqual(body, `1 new message from someone in ${label}`)
  })
})

describe('notification text: a sender name cannot carry a lure', () => {
  const cases: Array<[string, string]> = [
    ['https://evil.example/verify-your-account', 'someone'],
    ['evil.example/verify Ana', 'someone'],
    ['www.evil.example', 'someone'],
    ['call+15551234567 now', 'someone'],
    ['support@evil.example', 'someone'],
    ['javascript:alert(1)', 'someone'],
    ['Ana Pereira', 'Ana'],
    ['Maximiliana-Alexandrina-Bartholomea Smith', 'Maximiliana-Alexandr'],
    ['José', 'José'],
    ['R2-D2', 'R2-D2']
  ]
  for (const [name, shown] of cases) {
    it(`names "${name}" as "${shown}"`, () => assert.strictEqual(senderNameForNotification(name), shown))
  }
})
