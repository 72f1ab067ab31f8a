import assert from 'assert'
import { useServer } from '../../helpers/app'
import { buildUser } from '../../helpers/factories'
import { bookingChannel } from '../../helpers/fixtures'
import { notificationsOf } from '../../../src/modules/notifications'
import type { LogPushProvider, LogSmsProvider } from '../../../src/modules/notifications/providers/log'
import { notificationSettings } from '../../helpers/notifications'

// Enough for a per-delivery statement to show: today's pass would run thousands
const PEOPLE = 40

describe('the notification worker decides a batch as a whole', function () {
  this.timeout(60_000)
  const server = useServer({ notifications: notificationSettings() })

  it('decides, sends and finishes many due deliveries in a bounded number of statements', async () => {
    const db = server.app.get('postgresqlClient')
    const module = notificationsOf(server.app)
    let now = new Date('2026-11-24T12:00:00Z')
    module.clock.now = () => now
    const people = await Promise.all(
      Array.from({ length: PEOPLE }, (_, i) =>
        buildUser(server.app, { phone: `+1555410${String(i).padStart(4, '0')}` })
      )
    )
    const worlds = []
    for (const [i, person] of people.entries()) {
      const { world, channel } = await bookingChannel(server.app, { booking: { supervisor_id: person.id } })
      // Half of them have a device as well: an SMS and a push each
      if (i % 2 === 0)
        await db('device_tokens').insert({
          user_id: person.id,
          token: `batch-device-${person.id}`,
          platform: 'ios'
        })
      worlds.push({ person, world, channel })
    }
    // One (with a device) has muted the channel, one (without) has read it all: each gets its own verdict in the same batch
    const [muted, caughtUp] = worlds
    await db('chat_participants')
      .where({ channel_id: muted.channel.id, user_id: muted.person.id })
      .update({ muted: true })
    for (const { world, channel } of worlds) {
      for (const content of ['first', 'second'])
        await server.app
          .service('messages')
          .create({ channel_id: channel.id, content }, { user: world.worker })
    }
    await module.planner.settled()
    await db('chat_participants')
      .where({ channel_id: caughtUp.channel.id, user_id: caughtUp.person.id })
      .update({ last_read_seq: 2 })
    const planned = await db('notifications').whereIn(
      'user_id',
      people.map((person) => person.id)
    )
    assert.strictEqual(planned.length, PEOPLE + PEOPLE / 2)

    now = new Date(now.getTime() + 31_000)
    let statements = 0
    const count = () => void statements++
    db.on('query', count)
    try {
      await module.scheduler.runOnce()
    } finally {
      db.off('query', count)
    }
    assert.ok(statements <= 25, `${statements} statements decided ${planned.length} deliveries`)

    const rows = await db('notifications').whereIn(
      'user_id',
      people.map((person) => person.id)
    )
    const of = (person: { id: number }) => rows.filter((row) => row.user_id === person.id)
    assert.deepStrictEqual(
      of(muted.person).map((row) => [row.status, row.reason]),
      [
        ['skipped', 'channel muted'],
        ['skipped', 'channel muted']
      ]
    )
    assert.deepStrictEqual(
      of(caughtUp.person).map((row) => [row.status, row.reason]),
      [['skipped', 'already read']]
    )
    const sent = rows.filter((row) => row.status === 'sent')
    assert.strictEqual(sent.length, planned.length - 3)
    assert.ok(
      sent.every(
        (row) =>
          row.attempts === 1 && row.sent_at === now.toISOString() && !row.sending_at && !row.claimed_until
      )
    )

    const sms = (module.providers.sms as LogSmsProvider).sent
    const push = (module.providers.push as LogPushProvider).sent
    for (const { person, world } of worlds.slice(2)) {
      const text = `2 new messages from ${world.worker.name.split(' ')[0]} in Booking #${world.booking.id}`
      assert.deepStrictEqual(
        sms.filter((one) => one.to === person.phone).map((one) => one.body),
        [text]
      )
      const pushed = push
        .filter((one) => one.token === `batch-device-${person.id}`)
        .map((one) => one.notification.body)
      assert.deepStrictEqual(pushed, people.indexOf(person) % 2 === 0 ? [text] : [])
    }
  })
})
