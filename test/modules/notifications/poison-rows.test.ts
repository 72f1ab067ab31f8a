import assert from 'assert'
import { useServer } from '../../helpers/app'
import { buildUser } from '../../helpers/factories'
import { bookingChannel } from '../../helpers/fixtures'
import type { TestUser } from '../../helpers/factories'
import { notificationsOf } from '../../../src/modules/notifications'
import type { LogSmsProvider } from '../../../src/modules/notifications/providers/log'
import type { SmsProvider } from '../../../src/modules/notifications/providers/provider'
import { notificationSettings } from '../../helpers/notifications'

describe('a delivery that breaks does not hold up the others', function () {
  this.timeout(180_000)
  const server = useServer({ notifications: notificationSettings({ max_attempts: 3 }) })

  it('sends the good deliveries, sets the broken ones back with backoff, and the next passes go on', async () => {
    const db = server.app.get('postgresqlClient')
    const module = notificationsOf(server.app)
    let now = new Date('2026-11-24T12:00:00Z')
    module.clock.now = () => now
    const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000))

    const recipient = async (phone: string) => {
      const person = await buildUser(server.app, { phone })
      const { world, channel } = await bookingChannel(server.app, { booking: { supervisor_id: person.id } })
      const message = (content: string) =>
        server.app.service('messages').create({ channel_id: channel.id, content }, { user: world.worker })
      return { person, message }
    }
    // One after the other: building bookings in parallel exhausts the test pool on a busy machine
    const good = await recipient('+15554100001')
    const alsoGood = await recipient('+15554100002')
    const undecidable = await recipient('+15554100003')
    const throwing = await recipient('+15554100004')
    const latecomer = await recipient('+15554100005')
    // A time zone stored before time zones were checked: the quiet-hours rule cannot read it
    await db('users')
      .where({ id: undecidable.person.id })
      .update({ timezone: 'Not/A_Zone', quiet_hours_start: '22:00', quiet_hours_end: '07:00' })
    // A provider that throws before returning a promise, for one number only
    const logSms = module.providers.sms as LogSmsProvider
    const throwingSms: SmsProvider = {
      name: logSms.name,
      send(to, body) {
        if (to === throwing.person.phone) throw new Error('the SDK refused the request')
        return logSms.send(to, body)
      }
    }
    for (const { message } of [good, alsoGood, undecidable, throwing]) await message('shift at seven')
    await module.planner.settled()

    const rowOf = async (person: TestUser) => {
      const rows = await db('notifications').where({ user_id: person.id })
      assert.strictEqual(rows.length, 1)
      return rows[0]
    }
    const textsTo = (person: TestUser) => logSms.sent.filter((sms) => sms.to === person.phone)
    // This app's own count of SMS outcomes, as /metrics shows it
    const counted = async (status: string) => {
      const text = await fetch(`${server.url}/metrics`).then((response) => response.text())
      const line = new RegExp(
        `^chat_notification_deliveries_total\\{kind="sms",provider="log",status="${status}"\\} (\\d+)`,
        'm'
      )
      return Number(line.exec(text)?.[1] ?? 0)
    }

    module.providers.sms = throwingSms
    try {
      later(31)
      const claimed = await module.scheduler.runOnce()
      assert.strictEqual(claimed, 4)
      for (const person of [good.person, alsoGood.person]) {
        assert.strictEqual(textsTo(person).length, 1)
        assert.strictEqual((await rowOf(person)).status, 'sent')
      }
      const setBack = [await rowOf(undecidable.person), await rowOf(throwing.person)]
      assert.match(setBack[0].last_error, /could not be decided: .*Not\/A_Zone/)
      assert.strictEqual(setBack[1].last_error, 'the SDK refused the request')
      for (const row of setBack) {
        // Released, not held by a claim or an attempt, and due again later than now
        assert.deepStrictEqual(
          [row.status, row.attempts, row.claimed_until, row.sending_at],
          ['pending', 1, null, null]
        )
        assert.ok(new Date(row.scheduled_for) > now, row.scheduled_for)
      }
      assert.deepStrictEqual([await counted('sent'), await counted('pending')], [2, 2])

      // A message planned after the broken pass goes out on the next one; the broken rows come round again
      await latecomer.message('are you coming?')
      await module.planner.settled()
      later(31)
      assert.strictEqual(await module.scheduler.runOnce(), 3)
      assert.strictEqual(textsTo(latecomer.person).length, 1)
      assert.strictEqual((await rowOf(latecomer.person)).status, 'sent')
      for (const person of [undecidable.person, throwing.person])
        assert.deepStrictEqual([(await rowOf(person)).status, (await rowOf(person)).attempts], ['pending', 2])

      // After max_attempts they fail for good and leave nothing open behind them
      later(31)
      assert.strictEqual(await module.scheduler.runOnce(), 2)
      for (const person of [undecidable.person, throwing.person])
        assert.deepStrictEqual([(await rowOf(person)).status, (await rowOf(person)).attempts], ['failed', 3])
      assert.strictEqual(await module.scheduler.runOnce(), 0)
      assert.deepStrictEqual(
        [await counted('sent'), await counted('pending'), await counted('failed')],
        [3, 4, 2]
      )
      assert.deepStrictEqual(textsTo(undecidable.person), [])
      assert.deepStrictEqual(textsTo(throwing.person), [])
    } finally {
      module.providers.sms = logSms
    }
  })
})
