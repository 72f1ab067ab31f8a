import assert from 'assert'
import { useServer } from '../helpers/app'
import { buildAdmin, buildBooking, openBookingChannel } from '../helpers/factories'
import { http, login, socketClient, waitUntil } from '../helpers/clients'
import { redisSettings } from '../helpers/redis'

describe('identity across instances', () => {
  const a = useServer({ redis: redisSettings() })
  const b = useServer({ redis: redisSettings() })


  it('takes an admin demoted through A at their word on B at once, not after a cache expires', async () => {
    const admin = await buildAdmin(a.app)
    const token = await login(b.url, admin)
    assert.strictEqual((await http(b.url, 'GET', '/companies', { token })).status, 200, 'B has the admin cached')

    await a.app.service('users').patch(admin.id, { role: 'user' })
    await waitUntil(async () => (await http(b.url, 'GET', '/companies', { token })).status === 403, 'B refuses the former admin', 2000)
    assert.strictEqual((await http(b.url, 'POST', '/companies', { token, body: { name: 'Sneaky Ltd' } })).status, 403)
  })

  it('shows a name changed through A in history read on B, not after a cache expires', async () => {
    const world = await buildBooking(a.app)
    const channelId = (await openBookingChannel(a.app, world)).id
    await a.app.service('messages').create({ channel_id: channelId, content: 'hello' }, { user: world.worker })
    const supervisor = await socketClient(b.url, world.supervisor)
    const latestSender = async () =>
      (await supervisor.service('messages').find({ query: { channel_id: channelId, $limit: 1 } })).data[0].sender
    assert.deepStrictEqual(await latestSender(), { id: world.worker.id, name: world.worker.name }, 'B has the name cached')

    await a.app.service('users').patch(world.worker.id, { name: 'Renamed on A' })
    await waitUntil(async () => (await latestSender()).name === 'Renamed on A', 'B shows the new name', 2000)
  })
})
