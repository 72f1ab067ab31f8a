import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildAdmin } from '../../../../helpers/factories'
import { bookingWorld } from '../../../../helpers/fixtures'
import { nextEvent, recordEvents, sleep, socketClient } from '../../../../helpers/clients'
import { QUIET_MS } from '../../../../helpers/assertions'
import { notificationSettings } from '../../../../helpers/notifications'

describe('channels', () => {
  // Without the delivery worker's polls, which a query count would otherwise catch by chance
  const server = useServer({ notifications: notificationSettings() })

  describe('create', () => {
    it('is idempotent: the same channel, and no second channels created event', async () => {
      const world = await bookingWorld(server.app)
      const worker = await socketClient(server.url, world.worker)
      const supervisor = await socketClient(server.url, world.supervisor)
      const announcements = recordEvents(supervisor, 'channels', 'created')
      const firstAnnounced = nextEvent(supervisor, 'channels', 'created')

      const first = await worker
        .service('channels')
        .create({ context_type: 'booking', context_id: world.booking.id })
      assert.strictEqual((await firstAnnounced).id, first.id)
      const again = await worker
        .service('channels')
        .create({ context_type: 'booking', context_id: world.booking.id })
      assert.strictEqual(again.id, first.id)
      const byOther = await supervisor
        .service('channels')
        .create({ context_type: 'booking', context_id: world.booking.id })
      assert.strictEqual(byOther.id, first.id)

      // A positive control on the same connection, then nothing more
      const control = nextEvent(supervisor, 'messages', 'created', (m) => m.channel_id === first.id)
      await worker.service('messages').create({ channel_id: first.id, content: 'control' })
      await control
      await sleep(QUIET_MS)
      assert.strictEqual(announcements.length, 1, JSON.stringify(announcements))

      const admin = await socketClient(server.url, await buildAdmin(server.app))
      const listed = await admin
        .service('channels')
        .find({ query: { context_type: 'booking', context_id: world.booking.id } })
      assert.strictEqual(listed.total, 1)
      const participants = await admin
        .service('participants')
        .find({ query: { channel_id: first.id, $withRemoved: true } })
      assert.strictEqual(participants.total, 6)
    })

    it('returns one channel to concurrent creators of the same context', async () => {
      const world = await bookingWorld(server.app)
      const clients = await Promise.all(
        [world.worker, world.supervisor, world.borrowerAdmin, world.lenderManager].map((who) =>
          socketClient(server.url, who)
        )
      )
      const created = await Promise.all(
        clients.map((client) =>
          client.service('channels').create({ context_type: 'booking', context_id: world.booking.id })
        )
      )
      assert.strictEqual(new Set(created.map((channel) => channel.id)).size, 1)
      const participants = await clients[0]
        .service('participants')
        .find({ query: { channel_id: created[0].id } })
      assert.strictEqual(participants.total, 6)
    })
  })
})
