import assert from 'assert'
import { useServer } from '../helpers/app'
import { buildAdmin } from '../helpers/factories'
import { bookingWorld, bookingChannel } from '../helpers/fixtures'
import { http, login, sleep, socketClient, waitUntil } from '../helpers/clients'
import { QUIET_MS } from '../helpers/assertions'
import { redisSettings } from '../helpers/redis'
import { notificationSettings } from '../helpers/notifications'
import { notificationsOf } from '../../src/modules/notifications'

describe('identity across instances', () => {
  const a = useServer({ redis: redisSettings(), notifications: notificationSettings() })
  const b = useServer({ redis: redisSettings(), notifications: notificationSettings() })

  it('takes an admin demoted through A at their word on B at once, not after a cache expires', async () => {
    const admin = await buildAdmin(a.app)
    const token = await login(b.url, admin)
    assert.strictEqual(
      (await http(b.url, 'GET', '/companies', { token })).status,
      200,
      'B has the admin cached'
    )

    await a.app.service('users').patch(admin.id, { role: 'user' })
    // The role change ends the admin's token; a new one carries the new role
    await waitUntil(
      async () => (await http(b.url, 'GET', '/companies', { token })).status === 401,
      'B refuses the former admin’s token',
      2000
    )
    assert.strictEqual(
      (await http(b.url, 'POST', '/companies', { token, body: { name: 'Sneaky Ltd' } })).status,
      401
    )
    const fresh = await login(b.url, admin)
    assert.strictEqual((await http(b.url, 'GET', '/companies', { token: fresh })).status, 403)
    assert.strictEqual(
      (await http(b.url, 'POST', '/companies', { token: fresh, body: { name: 'Sneaky Ltd' } })).status,
      403
    )
  })

  it('shows a name changed through A in history read on B, not after a cache expires', async () => {
    const { world, channelId } = await bookingChannel(a.app)
    await a.app
      .service('messages')
      .create({ channel_id: channelId, content: 'hello' }, { user: world.worker })
    const supervisor = await socketClient(b.url, world.supervisor)
    const latestSender = async () =>
      (await supervisor.service('messages').find({ query: { channel_id: channelId, $limit: 1 } })).data[0]
        .sender
    assert.deepStrictEqual(
      await latestSender(),
      { id: world.worker.id, name: world.worker.name },
      'B has the name cached'
    )

    await a.app.service('users').patch(world.worker.id, { name: 'Renamed on A' })
    await waitUntil(async () => (await latestSender()).name === 'Renamed on A', 'B shows the new name', 2000)
  })

  it('texts a phone number added through A to messages planned on B, not after a cache expires', async () => {
    const { world, channelId } = await bookingChannel(a.app)
    const smsRowsFor = async (messageId: number) =>
      b.app
        .get('postgresqlClient')('notifications')
        .where({ user_id: world.supervisor.id, message_id: messageId, kind: 'sms' })
    const sendOnB = async () => {
      const message = await b.app
        .service('messages')
        .create({ channel_id: channelId, content: 'hello' }, { user: world.worker })
      await notificationsOf(b.app).planner.settled()
      return message
    }
    assert.deepStrictEqual(
      await smsRowsFor((await sendOnB()).id),
      [],
      'B has the supervisor cached without a phone'
    )

    await a.app.service('users').patch(world.supervisor.id, { phone: '+15550001234' })
    await waitUntil(
      async () => (await smsRowsFor((await sendOnB()).id)).length === 1,
      'B plans an SMS to the new number',
      2000
    )
  })

  it('hears each change to a user once on every instance, the one that made it included', async () => {
    const world = await bookingWorld(a.app)
    const heard = { a: 0, b: 0 }
    const stops = [
      a.app
        .get('events')
        .on('identity.user.changed', ({ user_id }) => void (user_id === world.worker.id && heard.a++)),
      b.app
        .get('events')
        .on('identity.user.changed', ({ user_id }) => void (user_id === world.worker.id && heard.b++))
    ]
    await a.app.service('users').patch(world.worker.id, { name: 'Heard once' })
    await waitUntil(() => heard.b === 1, 'B hears the change')
    await sleep(QUIET_MS)
    stops.forEach((stop) => stop())
    assert.deepStrictEqual(heard, { a: 1, b: 1 })
  })

  it('takes a connection on B out of the admins room when the admin is demoted through A', async () => {
    const admin = await buildAdmin(a.app)
    await socketClient(b.url, admin)
    const adminsOnB = async () => (await (b.app as any).io.local.in('admins').fetchSockets()).length
    assert.strictEqual(await adminsOnB(), 1)
    await a.app.service('users').patch(admin.id, { role: 'user' })
    await waitUntil(async () => (await adminsOnB()) === 0, 'B’s connection leaves the admins room', 2000)
    await a.app.service('users').patch(admin.id, { role: 'admin' })
    await waitUntil(async () => (await adminsOnB()) === 1, 'and joins it again', 2000)
  })
})
