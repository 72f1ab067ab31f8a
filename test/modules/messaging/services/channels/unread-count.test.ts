import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildDispute } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import { socketClient } from '../../../../helpers/clients'
import { notificationSettings } from '../../../../helpers/notifications'

describe('channels', () => {
  // Without the delivery worker's polls, which a query count would otherwise catch by chance
  const server = useServer({ notifications: notificationSettings() })

  describe('unread_count', () => {
    it("counts messages after the caller's read position, not sent by the caller, not deleted, per channel", async () => {
      const { world, channel } = await bookingChannel(server.app)
      const dispute = await buildDispute(server.app, world.booking.id, [world.worker.id, world.supervisor.id])
      const disputeChannel = await server.app
        .service('channels')
        .create({ context_type: 'dispute', context_id: dispute.id }, { user: world.worker })
      const worker = await socketClient(server.url, world.worker)
      const supervisor = await socketClient(server.url, world.supervisor)
      const manager = await socketClient(server.url, world.lenderManager)

      await worker.service('messages').create({ channel_id: channel.id, content: 'my own' })
      const fromOthers = [
        await supervisor.service('messages').create({ channel_id: channel.id, content: 'one' }),
        await manager.service('messages').create({ channel_id: channel.id, content: 'two' }),
        await supervisor.service('messages').create({ channel_id: channel.id, content: 'three' })
      ]
      await supervisor.service('messages').remove(fromOthers[0].id)
      await supervisor
        .service('messages')
        .create({ channel_id: disputeChannel.id, content: 'in the dispute' })

      const unread = async () => {
        const { data } = await worker.service('channels').find({})
        return Object.fromEntries(data.map((view) => [view.id, view.unread_count]))
      }
      assert.deepStrictEqual(await unread(), { [channel.id]: 2, [disputeChannel.id]: 1 })

      const workerRow = (
        await worker
          .service('participants')
          .find({ query: { channel_id: channel.id, user_id: world.worker.id } })
      ).data[0]
      await worker.service('participants').patch(workerRow.id, { last_read_seq: fromOthers[2].seq })
      assert.deepStrictEqual(await unread(), { [channel.id]: 0, [disputeChannel.id]: 1 })
      const [view] = (
        await worker
          .service('channels')
          .find({ query: { context_type: 'booking', context_id: world.booking.id } })
      ).data
      assert.strictEqual(view.last_read_seq, fromOthers[2].seq)
      assert.ok(view.last_read_at, 'last_read_at is set')
      assert.strictEqual((await worker.service('channels').get(channel.id)).unread_count, 0)

      // The others' own counts do not include their own messages
      const supervisorView = await supervisor.service('channels').get(channel.id)
      assert.strictEqual(supervisorView.unread_count, 0)
    })
  })
})
