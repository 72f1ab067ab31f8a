import assert from 'assert'
import crypto from 'crypto'
import { useServer } from '../../../helpers/app'
import { buildUser, openBookingChannel } from '../../../helpers/factories'
import { bookingWorld } from '../../../helpers/fixtures'
import { socketClient, waitUntil } from '../../../helpers/clients'
import { notificationSettings } from '../../../helpers/notifications'
import { redisSettings } from '../../../helpers/redis'
import { codeSentTo, randomPhone, smsTo, useTwilio } from '../../../helpers/phones'
import { notificationsOf } from '../../../../src/modules/notifications'
import type { Notification } from '../../../../src/client'

/**
 * Someone who wants the platform's SMS aimed at a stranger's number: setting it as theirs
 * sends the stranger codes, and guessing one would make it a confirmed number. Two
 * instances share the budgets through Redis.
 */
describe('phone confirmation against someone aiming at a stranger’s number', function () {
  this.timeout(60_000)
  const settings = () => ({
    redis: redisSettings(),
    notifications: { ...notificationSettings(), sms_per_number_per_hour: 3 }
  })
  const a = useServer(settings)
  const b = useServer(settings)
  const twilio = useTwilio(a, b)
  const db = () => a.app.get('postgresqlClient')

  it('gives an account five codes a day, however many numbers it tries, on any instance', async () => {
    const user = await buildUser(a.app)
    const clients = [await socketClient(a.url, user), await socketClient(b.url, user)]
    const numbers = Array.from({ length: 6 }, randomPhone)
    for (const [i, phone] of numbers.slice(0, 5).entries())
      await clients[i % 2].service('users').patch(user.id, { phone })
    await assert.rejects(clients[1].service('users').patch(user.id, { phone: numbers[5] }), (error: any) => {
      assert.strictEqual(error.code, 429)
      assert.ok(error.data.retry_after_seconds > 3600, 'for the rest of the day')
      return true
    })
    assert.strictEqual(
      (await a.app.service('users').get(user.id)).phone,
      numbers[4],
      'the refused number is not written'
    )
    assert.deepStrictEqual(smsTo(twilio(), numbers[5]), [])
    assert.deepStrictEqual(
      numbers.slice(0, 5).map((phone) => smsTo(twilio(), phone).length),
      [1, 1, 1, 1, 1]
    )
  })

  it('sends a number no more codes and notifications together than its hourly SMS cap, across accounts and instances', async () => {
    const now = new Date('2026-11-25T12:00:00Z')
    for (const server of [a, b]) notificationsOf(server.app).clock.now = () => now
    // The stranger is a real user with that number, confirmed by an admin
    const stranger = randomPhone()
    const world = await bookingWorld(a.app)
    await a.app.service('users').patch(world.supervisor.id, { phone: stranger })
    const channel = await openBookingChannel(a.app, world)

    const [first, second, third, fourth] = await Promise.all([1, 2, 3, 4].map(() => buildUser(a.app)))
    for (const [i, attacker] of [first, second, third].entries()) {
      await (
        await socketClient([a, b][i % 2].url, attacker)
      )
        .service('users')
        .patch(attacker.id, { phone: stranger })
    }
    const refused = (await socketClient(b.url, fourth)).service('users').patch(fourth.id, { phone: stranger })
    await assert.rejects(refused, (error: any) => {
      assert.strictEqual(error.code, 429)
      assert.match(error.message, /as many SMS as an hour allows/)
      return true
    })
    assert.strictEqual((await a.app.service('users').get(fourth.id)).phone, null)
    assert.strictEqual(smsTo(twilio(), stranger).length, 3, 'three codes, then nothing')

    // The stranger's own notification waits for the next hour: codes spent the same budget
    await a.app
      .service('messages')
      .create({ channel_id: channel.id, content: 'shift moved' }, { user: world.worker })
    await notificationsOf(a.app).planner.settled()
    notificationsOf(a.app).clock.now = () => new Date(now.getTime() + 31_000)
    await notificationsOf(a.app).scheduler.runOnce()
    const [row]: Notification[] = await db()('notifications').where({
      user_id: world.supervisor.id,
      kind: 'sms'
    })
    assert.deepStrictEqual([row.status, row.reason], ['deferred', 'SMS cap for this number'])
    assert.strictEqual(smsTo(twilio(), stranger).length, 3)
  })

  it('stores codes only as hashes keyed with the server’s secret', async () => {
    const user = await buildUser(a.app)
    const client = await socketClient(a.url, user)
    const phone = randomPhone()
    await client.service('users').patch(user.id, { phone })
    const code = codeSentTo(twilio(), phone)!
    const row = await db()('phone_confirmations').where({ user_id: user.id }).first()
    assert.ok(!JSON.stringify(row).includes(code))
    // Unkeyed, a million hashes would give the code back at once to whoever reads the table
    const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex')
    for (const text of [code, `${user.id}:${code}`, `${user.id}:${phone}:${code}`, `${phone}:${code}`]) {
      assert.notStrictEqual(row.code_hash, sha256(text), text)
    }
    assert.strictEqual((await client.service('phone-confirmations').create({ code })).phone, phone)
  })

  it('counts guesses sent at once one after the other', async () => {
    const user = await buildUser(a.app)
    const client = await socketClient(a.url, user)
    const phone = randomPhone()
    await client.service('users').patch(user.id, { phone })
    const code = codeSentTo(twilio(), phone)!
    // Twelve wrong guesses at once, none of them the code: five are judged, the others refused
    const guesses = Array.from({ length: 12 }, (_, i) =>
      String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0')
    )
    const outcomes = await Promise.allSettled(
      guesses.map((guess) => client.service('phone-confirmations').create({ code: guess }))
    )
    const codes = outcomes
      .map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as any).code : 201))
      .sort()
    assert.deepStrictEqual(codes, [...Array(5).fill(400), ...Array(7).fill(429)])
    await assert.rejects(
      client.service('phone-confirmations').create({ code }),
      (error: any) => error.code === 429
    )
  })

  it('does not confirm a number set while its code for the previous one was being checked', async () => {
    const user = await buildUser(a.app)
    const client = await socketClient(a.url, user)
    const own = randomPhone()
    await client.service('users').patch(user.id, { phone: own })
    const code = codeSentTo(twilio(), own)!
    // A change of number holds the user's row while the code is checked, then commits
    const stranger = randomPhone()
    const change = await db().transaction()
    await change('users').where({ id: user.id }).update({ phone: stranger, phone_confirmed_at: null })
    const confirming = client
      .service('phone-confirmations')
      .create({ code })
      .then(
        () => 'confirmed',
        (error: any) => error.code
      )
    const waiting = async () =>
      (
        await db().raw(
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`
        )
      ).rows[0].n > 0
    await waitUntil(waiting, 'the code check to wait for the change of number')
    await change.commit()
    assert.strictEqual(await confirming, 404)
    const stored = await a.app.service('users').get(user.id)
    assert.deepStrictEqual([stored.phone, stored.phone_confirmed_at], [stranger, null])
  })
})
