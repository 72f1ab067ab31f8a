import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { addMember, buildAdmin, buildCompany, buildDispute, buildUser } from '../../../../helpers/factories'
import type { BookingWorld } from '../../../../helpers/factories'
import { anotherBookingChannel, bookingChannel } from '../../../../helpers/fixtures'
import { socketClient } from '../../../../helpers/clients'
import { notificationSettings } from '../../../../helpers/notifications'
import { notificationsOf } from '../../../../../src/modules/notifications'
import { statementsDuring } from '../../../../helpers/database'
import type { ChannelPage } from '../../../../../src/modules/messaging/services/channels/channels.schema'

describe('channels', () => {
  // Without the delivery worker's polls, which a query count would otherwise catch by chance
  const server = useServer({ notifications: notificationSettings() })

  describe('find', () => {
    let worldA: BookingWorld
    let worldB: BookingWorld
    let channelA: number
    let channelB: number
    let disputeChannel: number
    let disputeId: number

    before(async () => {
      ;({ world: worldA, channelId: channelA } = await bookingChannel(server.app))
      ;({ world: worldB, channelId: channelB } = await bookingChannel(server.app))
      const dispute = await buildDispute(server.app, worldA.booking.id, [
        worldA.worker.id,
        worldA.lenderAdmin.id
      ])
      disputeId = dispute.id
      disputeChannel = (
        await server.app
          .service('channels')
          .create({ context_type: 'dispute', context_id: dispute.id }, { user: worldA.worker })
      ).id
    })

    it("lists only the caller's channels", async () => {
      const worker = await socketClient(server.url, worldA.worker)
      const ids = (await worker.service('channels').find({})).data.map((channel) => channel.id)
      assert.deepStrictEqual(ids.sort(), [channelA, disputeChannel].sort())

      const supervisor = await socketClient(server.url, worldA.supervisor)
      const supervisorIds = (await supervisor.service('channels').find({})).data.map((channel) => channel.id)
      assert.deepStrictEqual(supervisorIds, [channelA])

      const outsider = await socketClient(server.url, worldA.outsider)
      const none = await outsider.service('channels').find({})
      assert.strictEqual(none.total, 0)
      assert.deepStrictEqual(none.data, [])

      // Filtering for someone else's context reveals nothing either
      const other = await worker
        .service('channels')
        .find({ query: { context_type: 'booking', context_id: worldB.booking.id } })
      assert.deepStrictEqual(other.data, [])
    })

    it('lists every channel for an admin', async () => {
      const admin = await socketClient(server.url, await buildAdmin(server.app))
      const all = await admin.service('channels').find({ query: { $limit: 100 } })
      assert.ok(all.total >= 3, `total ${all.total}`)
      for (const [contextType, contextId, channelId] of [
        ['booking', worldA.booking.id, channelA],
        ['booking', worldB.booking.id, channelB],
        ['dispute', disputeId, disputeChannel]
      ] as const) {
        const found = await admin
          .service('channels')
          .find({ query: { context_type: contextType, context_id: contextId } })
        assert.deepStrictEqual(
          found.data.map((channel) => channel.id),
          [channelId]
        )
      }
    })

    it('filters by context_type and context_id', async () => {
      const worker = await socketClient(server.url, worldA.worker)
      const disputes = await worker.service('channels').find({ query: { context_type: 'dispute' } })
      assert.deepStrictEqual(
        disputes.data.map((channel) => channel.id),
        [disputeChannel]
      )
      assert.ok(disputes.data.every((channel) => channel.context_type === 'dispute'))
      const bookings = await worker.service('channels').find({ query: { context_type: 'booking' } })
      assert.deepStrictEqual(
        bookings.data.map((channel) => channel.id),
        [channelA]
      )
      const one = await worker
        .service('channels')
        .find({ query: { context_type: 'booking', context_id: worldA.booking.id } })
      assert.strictEqual(one.total, 1)
      assert.strictEqual(one.data[0].id, channelA)
      assert.strictEqual(one.data[0].context_id, worldA.booking.id)
    })

    it('orders by last_message_at, newest first, by default', async () => {
      // One manager in three bookings of the same lender company
      const lender = await buildCompany(server.app)
      const borrower = await buildCompany(server.app)
      const [manager, worker, supervisor] = await Promise.all([0, 1, 2].map(() => buildUser(server.app)))
      await addMember(server.app, lender.id, manager.id, 'manager')
      const parties = { lenderCompanyId: lender.id, borrowerCompanyId: borrower.id, worker, supervisor }
      const channelIds: number[] = []
      for (let i = 0; i < 3; i++) {
        channelIds.push((await anotherBookingChannel(server.app, parties)).id)
      }
      const [first, second, third] = channelIds
      const workerClient = await socketClient(server.url, worker)
      for (const channelId of [second, first, third, second]) {
        await workerClient.service('messages').create({ channel_id: channelId, content: `in ${channelId}` })
      }
      const managerClient = await socketClient(server.url, manager)
      const listed = await managerClient.service('channels').find({})
      assert.deepStrictEqual(
        listed.data.map((channel) => channel.id),
        [second, third, first]
      )
      const stamps = listed.data.map((channel) => Date.parse(channel.last_message_at!))
      assert.ok(stamps[0] >= stamps[1] && stamps[1] >= stamps[2], `descending: ${stamps}`)
    })
  })

  describe('query count', () => {
    it('runs as many SQL queries for a user in 8 channels as for a user in 1', async () => {
      const lender = await buildCompany(server.app)
      const borrower = await buildCompany(server.app)
      const [busy, lonely, worker, supervisor] = await Promise.all(
        [0, 1, 2, 3].map(() => buildUser(server.app))
      )
      await addMember(server.app, lender.id, busy.id, 'manager')
      const parties = { lenderCompanyId: lender.id, borrowerCompanyId: borrower.id, worker, supervisor }
      const busyChannels: number[] = []
      for (let i = 0; i < 8; i++) {
        const channelId = (await anotherBookingChannel(server.app, parties)).id
        busyChannels.push(channelId)
        await server.app
          .service('messages')
          .create({ channel_id: channelId, content: `hello ${i}` }, { user: worker })
      }
      const lonelyWorld = await bookingChannel(server.app, { existing: { worker: lonely } })
      await server.app
        .service('messages')
        .create({ channel_id: lonelyWorld.channelId, content: 'hello' }, { user: lonelyWorld.supervisor })

      const busyClient = await socketClient(server.url, busy)
      const lonelyClient = await socketClient(server.url, lonely)
      // Warm up: the first call of a connection may fill caches
      await busyClient.service('channels').find({})
      await lonelyClient.service('channels').find({})

      await notificationsOf(server.app).planner.settled()
      const countQueries = async (run: () => Promise<unknown>) =>
        (await statementsDuring(server.app, run)).statements
      let busyResult!: ChannelPage
      let lonelyResult!: ChannelPage
      const busyQueries = await countQueries(async () => {
        busyResult = await busyClient.service('channels').find({})
      })
      const lonelyQueries = await countQueries(async () => {
        lonelyResult = await lonelyClient.service('channels').find({})
      })

      assert.deepStrictEqual(busyResult.data.map((channel) => channel.id).sort(), [...busyChannels].sort())
      assert.ok(busyResult.data.every((channel) => channel.unread_count === 1))
      assert.deepStrictEqual(
        lonelyResult.data.map((channel) => channel.id),
        [lonelyWorld.channelId]
      )
      assert.strictEqual(lonelyResult.data[0].unread_count, 1)
      assert.ok(lonelyQueries.length > 0, 'the query listener saw the call')
      assert.strictEqual(
        busyQueries.length,
        lonelyQueries.length,
        `8 channels: ${JSON.stringify(busyQueries)}\n1 channel: ${JSON.stringify(lonelyQueries)}`
      )
    })
  })
})
