import assert from 'assert'
import { startApp } from '../../helpers/app'
import type { TestServer } from '../../helpers/app'
import { buildUser } from '../../helpers/factories'
import { bookingWorld, bookingChannel } from '../../helpers/fixtures'
import { closeClients, http, login, sleep, socketClient, waitUntil } from '../../helpers/clients'
import { notificationsOf } from '../../../src/modules/notifications'
import type { LogSmsProvider } from '../../../src/modules/notifications/providers/log'
import { testDatabaseUrl } from '../../helpers/database'
import { freePort, killTree, runApp } from '../../helpers/processes'
import type { Command } from '../../helpers/processes'
import { notificationSettings } from '../../helpers/notifications'
import type { Paginated } from '@feathersjs/feathers'
import type { DeviceToken } from '../../../src/client'

describe('notification workers', function () {
  this.timeout(60_000)
  let a: TestServer
  let b: TestServer
  const start = new Date('2026-11-24T12:00:00Z')
  const due = new Date(start.getTime() + 3600_000)

  before(async () => {
    a = await startApp({ notifications: notificationSettings({ delay_seconds: 0 }) })
    b = await startApp({ notifications: notificationSettings({ delay_seconds: 0 }) })
    for (const server of [a, b]) notificationsOf(server.app).clock.now = () => due
  })
  after(async () => {
    closeClients()
    await Promise.all([a.close(), b.close()])
  })

  const smsOf = (server: TestServer) => (notificationsOf(server.app).providers.sms as LogSmsProvider).sent

  it('two workers over the same rows send each delivery once', async () => {
    const recipients = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        buildUser(a.app, { phone: `+1555300${String(i).padStart(4, '0')}` })
      )
    )
    const db = a.app.get('postgresqlClient')
    // Each recipient is the supervisor of their own booking's channel, each with a message waiting
    const messageIds: number[] = []
    for (const recipient of recipients) {
      const { world: own, channel: ownChannel } = await bookingChannel(a.app, {
        booking: { supervisor_id: recipient.id }
      })
      const message = await a.app
        .service('messages')
        .create({ channel_id: ownChannel.id, content: 'ping' }, { user: own.worker })
      messageIds.push(message.id)
    }
    await notificationsOf(a.app).planner.settled()

    await Promise.all([
      notificationsOf(a.app).scheduler.runOnce(),
      notificationsOf(b.app).scheduler.runOnce(),
      notificationsOf(a.app).scheduler.runOnce(),
      notificationsOf(b.app).scheduler.runOnce()
    ])
    const phones = recipients.map((recipient) => recipient.phone)
    const sent = [...smsOf(a), ...smsOf(b)].filter((sms) => phones.includes(sms.to))
    assert.strictEqual(sent.length, 12)
    assert.strictEqual(new Set(sent.map((sms) => sms.to)).size, 12)
    const rows = await db('notifications').whereIn('message_id', messageIds)
    assert.ok(rows.every((row) => row.status === 'sent' && row.attempts === 1))
  })

  it('sends one SMS when two instances handle two messages of one conversation while a send is under way', async () => {
    const recipient = await buildUser(a.app, { phone: '+15557770001' })
    const { world, channel } = await bookingChannel(a.app, { booking: { supervisor_id: recipient.id } })
    const settings = notificationSettings({ delay_seconds: 30 })
    for (const server of [a, b]) server.app.set('notifications', settings)
    const at = (server: TestServer, ms: number) =>
      (notificationsOf(server.app).clock.now = () => new Date(start.getTime() + ms))

    for (const [content, ms] of [
      ['first', 0],
      ['second', 1000]
    ] as const) {
      at(a, ms)
      await a.app.service('messages').create({ channel_id: channel.id, content }, { user: world.worker })
      await notificationsOf(a.app).planner.settled()
    }
    // The provider takes a while to answer: instance B decides about the second message meanwhile
    const sent: string[] = []
    const slowSms = {
      name: 'log' as const,
      send: async (to: string, body: string) => (await sleep(300), sent.push(`${to}: ${body}`), 'slow')
    }
    const saved = [a, b].map((server) => notificationsOf(server.app).providers.sms)
    try {
      for (const server of [a, b]) notificationsOf(server.app).providers.sms = slowSms
      at(a, 30_500)
      const passA = notificationsOf(a.app).scheduler.runOnce()
      await sleep(100)
      at(b, 31_100)
      await Promise.all([passA, notificationsOf(b.app).scheduler.runOnce()])
    } finally {
      ;[a, b].forEach((server, i) => (notificationsOf(server.app).providers.sms = saved[i]))
      for (const server of [a, b]) notificationsOf(server.app).clock.now = () => due
    }
    assert.strictEqual(sent.length, 1, sent.join('\n'))
    assert.match(sent[0], /2 new messages/)
    // The second message found the first one's delivery open and wrote nothing of its own
    const rows = await a.app
      .get('postgresqlClient')('notifications')
      .where({ user_id: recipient.id })
      .orderBy('id')
    assert.deepStrictEqual(
      rows.map((row) => row.status),
      ['sent']
    )
  })

  it('delivers once, after a restart, what a killed process had planned', async () => {
    const world = await bookingWorld(a.app)
    const recipient = await buildUser(a.app, { phone: '+15553999999' })
    await a.app.service('bookings').patch(world.booking.id, { supervisor_id: recipient.id })
    const port = await freePort()
    let doomed: Command | undefined = runApp(port, {
      LOG_LEVEL: 'silent',
      DATABASE_URL: testDatabaseUrl,
      NOTIFICATIONS_DELAY_SECONDS: '3000'
    }).command
    try {
      const url = `http://127.0.0.1:${port}`
      await waitUntil(
        async () => (await fetch(`${url}/ready`).catch(() => undefined))?.status === 200,
        'ready',
        30_000
      )
      const token = await login(url, world.worker)
      const sent = await http(url, 'POST', '/messages', {
        token,
        body: { context_type: 'booking', context_id: world.booking.id, content: 'before the crash' }
      })
      assert.strictEqual(sent.status, 201)
      const db = a.app.get('postgresqlClient')
      await waitUntil(
        async () => Boolean(await db('notifications').where({ user_id: recipient.id }).first()),
        'the row is written'
      )
      process.kill(-doomed.child.pid!, 'SIGKILL')
      await doomed.exited
      doomed = undefined

      // The killed process planned with its own (real) clock; instance a's clock is pinned,
      // so it is set from the planned row: just before the moment nothing goes out, at it the delivery does
      const [planned] = await db('notifications').where({ user_id: recipient.id })
      const plannedFor = new Date(planned.scheduled_for).getTime()
      notificationsOf(a.app).clock.now = () => new Date(plannedFor - 1000)
      await notificationsOf(a.app).scheduler.runOnce()
      assert.deepStrictEqual(
        smsOf(a).filter((sms) => sms.to === recipient.phone),
        []
      )

      // A fresh process (here: instance a) finds the durable row once it is due
      notificationsOf(a.app).clock.now = () => new Date(plannedFor)
      await notificationsOf(a.app).scheduler.runOnce()
      await notificationsOf(a.app).scheduler.runOnce()
      assert.deepStrictEqual(
        smsOf(a)
          .filter((sms) => sms.to === recipient.phone)
          .map((sms) => sms.body),
        [`1 new message from ${world.worker.name.split(' ')[0]} in Booking #${world.booking.id}`]
      )
      const [row] = await db('notifications').where({ user_id: recipient.id })
      assert.strictEqual(row.status, 'sent')
    } finally {
      killTree(doomed)
      notificationsOf(a.app).clock.now = () => due
    }
  })

  it('registers device tokens per person, moves a re-registered token to its new owner, and hides others’ tokens', async () => {
    const [ana, ben] = await Promise.all([buildUser(a.app), buildUser(a.app)])
    const anaClient = await socketClient(a.url, ana)
    const benClient = await socketClient(a.url, ben)
    const count = async (client: typeof anaClient) =>
      ((await client.service('device-tokens').find()) as Paginated<DeviceToken>).total
    const token = `device-${Date.now()}`
    const registered = await anaClient.service('device-tokens').create({ token, platform: 'ios' })
    assert.strictEqual(registered.user_id, ana.id)
    assert.strictEqual(await count(anaClient), 1)
    assert.strictEqual(await count(benClient), 0)
    await assert.rejects(
      benClient.service('device-tokens').remove(registered.id),
      (error: any) => error.code === 404
    )
    await assert.rejects(
      benClient.service('device-tokens').create({ token, platform: 'ios', user_id: ana.id } as any),
      (error: any) => error.code === 400
    )

    const moved = await benClient.service('device-tokens').create({ token, platform: 'android' })
    assert.strictEqual(moved.id, registered.id)
    assert.strictEqual(moved.user_id, ben.id)
    assert.strictEqual(await count(anaClient), 0)
    await benClient.service('device-tokens').remove(moved.id)
    assert.strictEqual(await count(benClient), 0)
  })
})
