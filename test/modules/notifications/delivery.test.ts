import assert from 'assert'
import { useServer } from '../../helpers/app'
import { buildUser, openBookingChannel } from '../../helpers/factories'
import { bookingWorld } from '../../helpers/fixtures'
import type { BookingWorld } from '../../helpers/factories'
import { closeClients, sleep, socketClient, waitUntil } from '../../helpers/clients'
import { notificationsOf } from '../../../src/modules/notifications'
import type { LogSmsProvider } from '../../../src/modules/notifications/providers/log'
import type { Paginated } from '@feathersjs/feathers'
import type { Notification } from '../../../src/client'
import { notificationSettings } from '../../helpers/notifications'
import type { DomainEventMap } from '../../../src/events'

describe('notifications: who is notified, when, and how often', () => {
  const server = useServer({ notifications: notificationSettings() })
  let now: Date
  const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000))

  before(async () => {
    now = new Date('2026-11-24T12:00:00Z')
    notificationsOf(server.app).clock.now = () => now
  })

  const module = () => notificationsOf(server.app)
  const smsLog = () => module().providers.sms as LogSmsProvider
  const smsTo = (phone: string) => smsLog().sent.filter((sms) => sms.to === phone)

  /** A booking whose supervisor has a phone number; messages come from the worker. */
  async function scene(supervisor: Record<string, unknown> = {}) {
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`
    const world: BookingWorld = await bookingWorld(server.app)
    await server.app.service('users').patch(world.worker.id, { name: 'Ana Pereira' })
    const recipient = await buildUser(server.app, { phone, ...supervisor })
    await server.app.service('bookings').patch(world.booking.id, { supervisor_id: recipient.id })
    const channel = await openBookingChannel(server.app, world)
    const send = async (content: string) => {
      const message = await server.app
        .service('messages')
        .create({ channel_id: channel.id, content }, { user: world.worker })
      await module().planner.settled()
      return message
    }
    const rows = async (): Promise<Notification[]> =>
      server.app.get('postgresqlClient')('notifications').where({ user_id: recipient.id }).orderBy('id')
    const label = `Booking #${world.booking.id}`
    return { world, recipient, phone, channel, send, rows, label }
  }

  it('announces chat.message.created once per message, naming every recipient but the sender', async () => {
    const { world, channel } = await scene()
    const seen: DomainEventMap['chat.message.created'][] = []
    const stop = server.app.get('events').on('chat.message.created', (event) => void seen.push(event))
    const message = await server.app
      .service('messages')
      .create({ channel_id: channel.id, content: 'hello all' }, { user: world.worker })
    stop()
    const participants = await server.app.service('participants').find({ query: { channel_id: channel.id } })
    const others = participants.data
      .map((participant) => participant.user_id)
      .filter((id) => id !== world.worker.id)
    assert.strictEqual(seen.length, 1)
    assert.strictEqual(seen[0].message_id, message.id)
    assert.strictEqual(seen[0].sender_id, world.worker.id)
    assert.deepStrictEqual([...seen[0].recipient_ids].sort(), others.sort())
    assert.strictEqual(seen[0].message_preview, 'hello all')
  })

  it('sends an offline recipient one SMS after the delay, not before', async () => {
    const { phone, send, rows, label } = await scene()
    const message = await send('Where are the keys?')
    const [pending] = await rows()
    assert.strictEqual(pending.status, 'pending')
    assert.strictEqual(pending.kind, 'sms')
    assert.strictEqual(pending.message_id, message.id)

    await module().scheduler.runOnce()
    assert.deepStrictEqual(smsTo(phone), [], 'nothing before the delay')
    later(31)
    await module().scheduler.runOnce()
    assert.strictEqual(smsTo(phone).length, 1)
    assert.strictEqual(smsTo(phone)[0].body, `1 new message from Ana in ${label}`)
    const [sent] = await rows()
    assert.strictEqual(sent.status, 'sent')
    assert.strictEqual(sent.attempts, 1)
    assert.strictEqual(sent.sent_at, now.toISOString())
  })

  it('leaves a delivery that another worker covered meanwhile as covered, instead of deferring it again', async () => {
    const { send, rows } = await scene()
    await send('Covered elsewhere')
    const [row] = await rows()
    // Another instance's delivery went out and included this one while this worker was deciding to defer it
    await server.app
      .get('postgresqlClient')('notifications')
      .where({ id: row.id })
      .update({ status: 'skipped', reason: 'included in notification 1' })
    const scheduler = module().scheduler as any
    await scheduler.finish(row, {
      status: 'deferred',
      reason: 'coalescing',
      scheduled_for: new Date(now.getTime() + 300_000).toISOString()
    })
    const [after] = await rows()
    assert.strictEqual(after.status, 'skipped')
    assert.strictEqual(after.reason, 'included in notification 1')
  })

  it('plans nothing for a recipient who is online, and plans it when they leave with it unread', async () => {
    const { recipient, phone, send, rows, label } = await scene()
    const connected = await socketClient(server.url, recipient)
    await send('are you there?')
    await send('hello?')
    assert.deepStrictEqual(await rows(), [], 'nothing is written for someone online')

    ;(connected.io as any).close()
    await waitUntil(async () => (await rows()).length === 1, 'a delivery is planned as they go offline', 5000)
    const [planned] = await rows()
    assert.strictEqual(planned.status, 'pending')
    assert.strictEqual(
      planned.scheduled_for,
      new Date(now.getTime() + 30_000).toISOString(),
      'after the same delay'
    )
    later(31)
    await module().scheduler.runOnce()
    assert.deepStrictEqual(
      smsTo(phone).map((sms) => sms.body),
      [`2 new messages from Ana in ${label}`]
    )
  })

  it('skips a delivery whose recipient came back online before it was due', async () => {
    const { recipient, phone, send, rows } = await scene()
    await send('are you there?')
    await socketClient(server.url, recipient)
    later(31)
    await module().scheduler.runOnce()
    assert.deepStrictEqual(smsTo(phone), [])
    assert.deepStrictEqual(
      (await rows()).map((row) => [row.status, row.reason]),
      [['skipped', 'online']]
    )
    closeClients()
  })

  it('plans nothing for someone who leaves having read everything', async () => {
    const { recipient, send, rows } = await scene()
    const connected = await socketClient(server.url, recipient)
    const message = await send('read at once')
    const [own] = (
      await server.app
        .service('participants')
        .find({ query: { channel_id: message.channel_id, user_id: recipient.id } })
    ).data
    await server.app.service('participants').patch(own.id, { last_read_seq: message.seq })
    ;(connected.io as any).close()
    await sleep(500)
    await module().planner.settled()
    assert.deepStrictEqual(await rows(), [])
  })

  it('skips a recipient whose account was disabled', async () => {
    const { recipient, phone, send, rows } = await scene()
    await server.app.service('users').patch(recipient.id, { disabled: true })
    await send('anyone still here?')
    later(31)
    await module().scheduler.runOnce()
    assert.deepStrictEqual(smsTo(phone), [])
    assert.deepStrictEqual(
      (await rows()).map((row) => [row.status, row.reason]),
      [['skipped', 'account disabled']]
    )
  })

  it('skips a recipient who read the message during the delay, and one who muted the channel', async () => {
    const reader = await scene()
    const message = await reader.send('read me')
    const [own] = (
      await server.app
        .service('participants')
        .find({ query: { channel_id: reader.channel.id, user_id: reader.recipient.id } })
    ).data
    await server.app.service('participants').patch(own.id, { last_read_seq: message.seq })

    const muter = await scene()
    const [row] = (
      await server.app
        .service('participants')
        .find({ query: { channel_id: muter.channel.id, user_id: muter.recipient.id } })
    ).data
    await server.app.service('participants').patch(row.id, { muted: true })
    await muter.send('muted channel')

    later(31)
    await module().scheduler.runOnce()
    assert.deepStrictEqual(smsTo(reader.phone), [])
    assert.deepStrictEqual(smsTo(muter.phone), [])
    assert.deepStrictEqual(
      (await reader.rows()).map((r) => r.reason),
      ['already read']
    )
    assert.deepStrictEqual(
      (await muter.rows()).map((r) => r.reason),
      ['channel muted']
    )
  })

  it('coalesces five messages in the window into one SMS that says five', async () => {
    const { phone, send, rows, label } = await scene()
    for (let i = 1; i <= 5; i++) await send(`message ${i}`)
    later(31)
    await module().scheduler.runOnce()
    assert.strictEqual(smsTo(phone).length, 1)
    assert.strictEqual(smsTo(phone)[0].body, `5 new messages from Ana in ${label}`)
    // One open delivery stood for all five: the other four wrote nothing
    const statuses = (await rows()).map((row) => row.status)
    assert.deepStrictEqual(statuses, ['sent'])

    // One more inside the coalescing window waits for its end, then counts what is unread
    await send('message 6')
    later(31)
    await module().scheduler.runOnce()
    assert.strictEqual(smsTo(phone).length, 1)
    const deferred = (await rows()).at(-1)!
    assert.strictEqual(deferred.status, 'deferred')
    assert.strictEqual(deferred.reason, 'coalescing')
    later(300)
    await module().scheduler.runOnce()
    assert.strictEqual(smsTo(phone).length, 2)
    assert.match(smsTo(phone)[1].body, /^6 new messages/)
  })

  it('does not count a deleted message among the unread in the text', async () => {
    const { world, phone, send, label } = await scene()
    await send('first')
    const regretted = await send('second')
    await send('third')
    await server.app.service('messages').remove(regretted.id, { user: world.worker })
    later(31)
    await module().scheduler.runOnce()
    assert.deepStrictEqual(
      smsTo(phone).map((sms) => sms.body),
      [`2 new messages from Ana in ${label}`]
    )
  })

  it('defers during quiet hours that cross midnight in the recipient’s time zone, then sends when they end', async () => {
    // 22:00–07:00 in São Paulo (UTC-3) is 01:00–10:00 UTC
    now = new Date('2026-11-25T02:30:00Z')
    const { phone, send, rows } = await scene({
      timezone: 'America/Sao_Paulo',
      quiet_hours_start: '22:00',
      quiet_hours_end: '07:00'
    })
    await send('late night question')
    later(31)
    await module().scheduler.runOnce()
    const [deferred] = await rows()
    assert.strictEqual(deferred.status, 'deferred')
    assert.strictEqual(deferred.reason, 'quiet hours')
    assert.strictEqual(deferred.scheduled_for, '2026-11-25T10:00:00.000Z')

    now = new Date('2026-11-25T09:59:59Z')
    await module().scheduler.runOnce()
    assert.deepStrictEqual(smsTo(phone), [])
    now = new Date('2026-11-25T10:00:00Z')
    await module().scheduler.runOnce()
    assert.strictEqual(smsTo(phone).length, 1)
    assert.strictEqual((await rows())[0].status, 'sent')
  })

  it('keeps what it was planning when the database fails for a moment', async () => {
    const { send, rows } = await scene()
    const db = server.app.get('postgresqlClient')
    // The first insert into notifications meets a serialization failure (a sequence counts across rollbacks)
    await db.raw(`create sequence planner_failure_once`)
    await db.raw(`create function planner_fail_once() returns trigger language plpgsql as $$
      begin
        if nextval('planner_failure_once') = 1 then raise exception 'forced' using errcode = '40001'; end if;
        return new;
      end $$`)
    await db.raw(
      `create trigger planner_fail_once before insert on notifications for each statement execute function planner_fail_once()`
    )
    try {
      await send('planned despite a hiccup')
      assert.strictEqual((await db.raw(`select last_value from planner_failure_once`)).rows[0].last_value, 2)
      assert.deepStrictEqual(
        (await rows()).map((row) => row.status),
        ['pending']
      )
    } finally {
      await db.raw(`drop trigger planner_fail_once on notifications`)
      await db.raw(`drop function planner_fail_once()`)
      await db.raw(`drop sequence planner_failure_once`)
    }
  })

  it('lets admins read deliveries, filtered, and nobody else', async () => {
    const { recipient } = await scene()
    const admin = await buildUser(server.app, { role: 'admin' })
    const adminClient = await socketClient(server.url, admin)
    const userClient = await socketClient(server.url, recipient)
    const page = (await adminClient
      .service('notifications')
      .find({ query: { status: 'sent', kind: 'sms' } })) as Paginated<Notification>
    assert.ok(page.data.length > 0)
    assert.ok(page.data.every((row) => row.status === 'sent' && row.kind === 'sms'))
    await assert.rejects(userClient.service('notifications').find({}), (error: any) => error.code === 403)
    await assert.rejects(
      (adminClient.service('notifications') as any).remove(page.data[0].id),
      (error: any) => error.code === 405
    )
  })
})
