import assert from 'assert'
import { useServer } from '../../helpers/app'
import type { TestServer } from '../../helpers/app'
import type { BookingWorld } from '../../helpers/factories'
import { bookingChannel } from '../../helpers/fixtures'
import { notificationSettings } from '../../helpers/notifications'
import { redisSettings } from '../../helpers/redis'
import { notificationsOf } from '../../../src/modules/notifications'

/**
 * Sends one message as the worker through `server` and returns the pushes planned for it,
 * then closes them: a destination with an open delivery gets no second one.
 */
async function pushesPlannedFor(server: TestServer, world: BookingWorld, channelId: number, content: string) {
  const message = await server.app
    .service('messages')
    .create({ channel_id: channelId, content }, { user: world.worker })
  await notificationsOf(server.app).planner.settled()
  const planned = server.app
    .get('postgresqlClient')('notifications')
    .where({ message_id: message.id, kind: 'push' })
  const rows = await planned.clone().orderBy('device_token_id').select('user_id', 'device_token_id')
  await planned.clone().update({ status: 'skipped', reason: 'closed by the test' })
  return rows
}

describe('the planner’s memory of devices', () => {
  const a = useServer({ redis: redisSettings(), notifications: notificationSettings() })
  const b = useServer({ redis: redisSettings(), notifications: notificationSettings() })
  let world: BookingWorld
  let channelId: number

  before(async () => {
    ;({ world, channelId } = await bookingChannel(a.app))
  })

  it('reads devices once for a run of messages, not once per message', async () => {
    const db = a.app.get('postgresqlClient')
    await pushesPlannedFor(a, world, channelId, 'warm-up')
    const reads: string[] = []
    const listener = ({ sql }: { sql: string }) =>
      /device_tokens/.test(sql) && !/insert into notifications/.test(sql) && reads.push(sql)
    db.on('query', listener)
    try {
      for (let i = 0; i < 5; i++) await pushesPlannedFor(a, world, channelId, `message ${i}`)
    } finally {
      db.off('query', listener)
    }
    assert.deepStrictEqual(reads, [])
  })

  it('pushes to a device registered through another instance from the next message on', async () => {
    assert.deepStrictEqual(
      await pushesPlannedFor(a, world, channelId, 'before the phone'),
      [],
      'A remembers no devices'
    )
    // Registered on B by someone who is not connected (people online get no notifications)
    const device = await b.app
      .service('device-tokens')
      .create({ token: `phone-${world.supervisor.id}`, platform: 'ios' }, { user: world.supervisor })
    // The registration reaches A through Redis, a moment later
    let planned: Array<{ user_id: number; device_token_id: number }> = []
    for (let attempt = 0; attempt < 20 && !planned.length; attempt++) {
      planned = await pushesPlannedFor(a, world, channelId, `after the phone ${attempt}`)
      if (!planned.length) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.deepStrictEqual(planned, [{ user_id: world.supervisor.id, device_token_id: device.id }])
  })

  it('plans nothing for a remembered device that is gone or has changed hands, and still plans the rest', async () => {
    const register = (token: string) =>
      a.app.service('device-tokens').create({ token, platform: 'android' }, { user: world.lenderAdmin })
    const kept = await register(`kept-${world.lenderAdmin.id}`)
    const dropped = await register(`dropped-${world.lenderAdmin.id}`)
    const before = await pushesPlannedFor(a, world, channelId, 'both devices')
    assert.ok(
      before.some((row) => row.device_token_id === dropped.id) &&
        before.some((row) => row.device_token_id === kept.id)
    )

    // Removed behind the service's back (as a dead token is), so no instance is told
    await a.app.get('postgresqlClient')('device_tokens').where({ id: dropped.id }).delete()
    const after = await pushesPlannedFor(a, world, channelId, 'one device left')
    assert.ok(
      after.some((row) => row.device_token_id === kept.id),
      'the other device is still planned'
    )
    assert.ok(!after.some((row) => row.device_token_id === dropped.id), 'the removed device is not')
  })
})
