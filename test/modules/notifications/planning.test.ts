import assert from 'assert'
import { useServer } from '../../helpers/app'
import type { TestServer } from '../../helpers/app'
import { buildUser, openBookingChannel } from '../../helpers/factories'
import { bookingWorld, bookingChannel } from '../../helpers/fixtures'
import { sleep, socketClient, waitUntil } from '../../helpers/clients'
import { notificationSettings } from '../../helpers/notifications'
import { redisSettings } from '../../helpers/redis'
import { notificationsOf } from '../../../src/modules/notifications'
import type { LogSmsProvider } from '../../../src/modules/notifications/providers/log'
import type { Notification } from '../../../src/client'

/**
 * What gets planned, with two instances sharing presence through Redis: nothing for people
 * online anywhere, one open delivery per person, channel and destination, and a delivery
 * planned by whichever instance sees someone leave with something unread.
 */
describe('notifications: planning only what can be sent', function () {
  this.timeout(60_000)
  const a = useServer({ redis: redisSettings(), notifications: notificationSettings() })
  const b = useServer({ redis: redisSettings(), notifications: notificationSettings() })
  let now: Date
  const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000))

  beforeEach(() => {
    now = new Date('2026-11-25T02:30:00Z')
    for (const server of [a, b]) notificationsOf(server.app).clock.now = () => now
  })

  async function scene(recipientFields: Record<string, unknown> = {}) {
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`
    const recipient = await buildUser(a.app, { phone, ...recipientFields })
    const world = await bookingWorld(a.app, { booking: { supervisor_id: recipient.id } })
    await a.app.service('users').patch(world.worker.id, { name: 'Ana Pereira' })
    const channel = await openBookingChannel(a.app, world)
    // A device too, as the marketplace's people have
    const device = await a.app
      .service('device-tokens')
      .create({ token: `device-${recipient.id}`, platform: 'ios' }, { user: recipient })
    const send = async (server: TestServer, content: string) => {
      const message = await server.app
        .service('messages')
        .create({ channel_id: channel.id, content }, { user: world.worker })
      await notificationsOf(server.app).planner.settled()
      return message
    }
    const rows = async (): Promise<Notification[]> =>
      a.app.get('postgresqlClient')('notifications').where({ user_id: recipient.id }).orderBy(['kind', 'id'])
    const sms = () =>
      [a, b]
        .flatMap((server) => (notificationsOf(server.app).providers.sms as LogSmsProvider).sent)
        .filter((s) => s.to === phone)
    return { recipient, device, channel, send, rows, sms, label: `Booking #${world.booking.id}` }
  }

  it('writes nothing for someone online on another instance, and plans once when they leave there', async () => {
    const { recipient, device, send, rows } = await scene()
    const connected = await socketClient(b.url, recipient)
    for (let i = 1; i <= 5; i++) await send(a, `while online ${i}`)
    assert.deepStrictEqual(await rows(), [], 'no rows for five messages to someone online')

    ;(connected.io as any).close()
    await waitUntil(async () => (await rows()).length === 2, 'B plans an SMS and a push as they leave', 5000)
    for (let i = 1; i <= 5; i++) await send(a, `while offline ${i}`)
    const open = await rows()
    assert.deepStrictEqual(
      open.map((row) => [row.kind, row.status, row.device_token_id]),
      [
        ['push', 'pending', device.id],
        ['sms', 'pending', null]
      ],
      'one open delivery per destination, whatever is sent meanwhile'
    )
  })

  it('plans on the instance that sees the last connection close, not on one that still has a connection', async () => {
    const { recipient, send, rows } = await scene()
    const onA = await socketClient(a.url, recipient)
    const onB = await socketClient(b.url, recipient)
    await send(a, 'seen on two devices')
    ;(onA.io as any).close()
    await sleep(500)
    await notificationsOf(a.app).planner.settled()
    assert.deepStrictEqual(await rows(), [], 'still online through B')
    ;(onB.io as any).close()
    await waitUntil(async () => (await rows()).length === 2, 'planned once the last connection closed', 5000)
  })

  it('sends one SMS counting everything after quiet hours, however much was written during them', async () => {
    // 22:00–07:00 in São Paulo (UTC-3) is 01:00–10:00 UTC; it is 02:30 UTC
    const { send, rows, sms, label } = await scene({
      timezone: 'America/Sao_Paulo',
      quiet_hours_start: '22:00',
      quiet_hours_end: '07:00'
    })
    await send(a, 'late question 1')
    later(31)
    await notificationsOf(a.app).scheduler.runOnce()
    assert.deepStrictEqual(
      (await rows()).map((row) => [row.status, row.reason]),
      [
        ['deferred', 'quiet hours'],
        ['deferred', 'quiet hours']
      ]
    )
    for (let i = 2; i <= 20; i++) await send(i % 2 ? a : b, `late question ${i}`)
    assert.strictEqual(
      (await rows()).length,
      2,
      'nothing more is written while a delivery waits for the morning'
    )

    now = new Date('2026-11-25T10:00:00Z')
    await Promise.all([
      notificationsOf(a.app).scheduler.runOnce(),
      notificationsOf(b.app).scheduler.runOnce()
    ])
    assert.deepStrictEqual(
      sms().map((s) => s.body),
      [`20 new messages from Ana in ${label}`]
    )
    assert.deepStrictEqual(
      (await rows()).map((row) => row.status),
      ['sent', 'sent']
    )
  })

  it('shows the backlog on /metrics: open deliveries and how long the oldest due one has waited', async () => {
    const { send } = await scene()
    await send(a, 'waiting for a worker')
    later(30 + 120)
    const text = await fetch(`${a.url}/metrics`).then((response) => response.text())
    const open = Number(/^chat_notifications_open (\d+)/m.exec(text)?.[1])
    const waited = Number(/^chat_notifications_oldest_due_seconds ([\d.]+)/m.exec(text)?.[1])
    assert.ok(open >= 2, text)
    assert.ok(waited >= 120, `the delivery due two minutes ago has waited ${waited} s`)
  })
})

describe('notifications: SMS per number', function () {
  this.timeout(60_000)
  const server = useServer({
    redis: redisSettings(),
    notifications: { ...notificationSettings(), sms_per_number_per_hour: 2 }
  })

  it('sends at most the hourly cap of SMS to one number across channels, and defers the rest', async () => {
    const now = new Date('2026-11-25T12:00:00Z')
    notificationsOf(server.app).clock.now = () => now
    // Someone typed a stranger's number as theirs; three channels write to them at once
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`
    const recipient = await buildUser(server.app, { phone })
    for (let i = 0; i < 3; i++) {
      const { world, channel } = await bookingChannel(server.app, {
        booking: { supervisor_id: recipient.id }
      })
      await server.app
        .service('messages')
        .create({ channel_id: channel.id, content: `channel ${i}` }, { user: world.worker })
    }
    await notificationsOf(server.app).planner.settled()
    notificationsOf(server.app).clock.now = () => new Date(now.getTime() + 31_000)
    await notificationsOf(server.app).scheduler.runOnce()
    const sent = (notificationsOf(server.app).providers.sms as LogSmsProvider).sent.filter(
      (sms) => sms.to === phone
    )
    assert.strictEqual(sent.length, 2)
    const rows: Notification[] = await server.app
      .get('postgresqlClient')('notifications')
      .where({ user_id: recipient.id, kind: 'sms' })
      .orderBy('id')
    assert.deepStrictEqual(rows.map((row) => [row.status, row.reason ?? null]).sort(), [
      ['deferred', 'SMS cap for this number'],
      ['sent', null],
      ['sent', null]
    ])
  })
})
