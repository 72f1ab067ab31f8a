import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildAdmin, buildDispute } from '../../../../helpers/factories'
import { nextEvent, recordEvents, sleep, socketClient } from '../../../../helpers/clients'
import type { ClientApplication } from '../../../../../src/client'
import { QUIET_MS, rejectsWithCode } from '../../../../helpers/assertions'
import { participantsOf, rolesOf } from './queries'
import { bookingWorld, useBookingChannelWithClients } from '../../../../helpers/fixtures'

describe('participants', () => {
  const server = useServer()

  describe('dispute channels', () => {
    it('adds and removes parties as party_ids change, with the role dispute_party', async () => {
      const world = await bookingWorld(server.app)
      const dispute = await buildDispute(server.app, world.booking.id, [
        world.worker.id,
        world.lenderAdmin.id
      ])
      const channel = await server.app
        .service('channels')
        .create({ context_type: 'dispute', context_id: dispute.id }, { user: world.worker })
      const workerClient = await socketClient(server.url, world.worker)
      const leavingClient = await socketClient(server.url, world.lenderAdmin)
      const joiningClient = await socketClient(server.url, world.supervisor)

      const initial = await participantsOf(workerClient, channel.id)
      assert.deepStrictEqual(rolesOf(initial), {
        [world.worker.id]: 'dispute_party',
        [world.lenderAdmin.id]: 'dispute_party'
      })
      await rejectsWithCode(
        joiningClient.service('messages').find({ query: { channel_id: channel.id } }),
        403
      )

      const joinedAnnounced = nextEvent(joiningClient, 'channels', 'created', (c) => c.id === channel.id)
      await server.app
        .service('disputes')
        .patch(dispute.id, { party_ids: [world.worker.id, world.supervisor.id] })

      const after = await participantsOf(workerClient, channel.id)
      assert.deepStrictEqual(rolesOf(after), {
        [world.worker.id]: 'dispute_party',
        [world.supervisor.id]: 'dispute_party'
      })
      await joinedAnnounced

      const leavingSaw = recordEvents(leavingClient, 'messages', 'created')
      const live = nextEvent(joiningClient, 'messages', 'created', (m) => m.channel_id === channel.id)
      const sent = await workerClient
        .service('messages')
        .create({ channel_id: channel.id, content: 'new party, hello' })
      assert.deepStrictEqual(await live, sent)
      await sleep(QUIET_MS)
      assert.deepStrictEqual(leavingSaw, [])
      await rejectsWithCode(
        leavingClient.service('messages').find({ query: { channel_id: channel.id } }),
        403
      )
      await rejectsWithCode(
        leavingClient.service('messages').create({ channel_id: channel.id, content: 'wait' }),
        403
      )
    })

    it('freezes a dispute channel when the dispute is resolved and reopens it with the dispute', async () => {
      const world = await bookingWorld(server.app)
      const dispute = await buildDispute(server.app, world.booking.id, [world.worker.id, world.supervisor.id])
      const channel = await server.app
        .service('channels')
        .create({ context_type: 'dispute', context_id: dispute.id }, { user: world.worker })
      const workerClient = await socketClient(server.url, world.worker)

      for (const status of ['resolved', 'closed'] as const) {
        await server.app.service('disputes').patch(dispute.id, { status })
        assert.strictEqual((await workerClient.service('channels').get(channel.id)).status, 'frozen', status)
        await rejectsWithCode(
          workerClient.service('messages').create({ channel_id: channel.id, content: 'frozen?' }),
          403
        )
        await server.app.service('disputes').patch(dispute.id, { status: 'open' })
        assert.strictEqual((await workerClient.service('channels').get(channel.id)).status, 'active')
        await workerClient.service('messages').create({ channel_id: channel.id, content: `after ${status}` })
      }
    })
  })

  describe('a booking channel follows the booking status', () => {
    const { world, channel, clients } = useBookingChannelWithClients(server, {
      connected: ['worker', 'supervisor']
    })
    let adminClient: ClientApplication

    before(async () => {
      adminClient = await socketClient(server.url, await buildAdmin(server.app))
    })

    for (const status of ['completed', 'cancelled'] as const) {
      it(`freezes when the booking is ${status}: participants get 403 on send, an admin may still send`, async () => {
        const patched = nextEvent(
          clients.supervisor,
          'channels',
          'patched',
          (c) => c.id === channel.id && c.status === 'frozen'
        )
        await server.app.service('bookings').patch(world.booking.id, { status })
        assert.strictEqual((await clients.worker.service('channels').get(channel.id)).status, 'frozen')
        const announced = await patched
        assert.strictEqual(announced.status, 'frozen')
        // The channel's own fields, nothing of the evidence chain (its head is for admins)
        assert.deepStrictEqual(Object.keys(announced).sort(), [
          'context_id',
          'context_type',
          'created_at',
          'id',
          'last_message_at',
          'last_seq',
          'status'
        ])

        await rejectsWithCode(
          clients.worker.service('messages').create({ channel_id: channel.id, content: 'is anyone there' }),
          403
        )
        const history = await clients.worker.service('messages').find({ query: { channel_id: channel.id } })
        assert.ok(!history.data.some((message) => message.content === 'is anyone there'))

        const delivered = nextEvent(clients.worker, 'messages', 'created', (m) => m.channel_id === channel.id)
        const official = await adminClient
          .service('messages')
          .create({ channel_id: channel.id, content: `closing note (${status})` })
        assert.strictEqual(official.channel_id, channel.id)
        assert.deepStrictEqual(await delivered, official)
      })

      it(`turns active again when the ${status} booking is reopened (in_progress), and sends work`, async () => {
        await server.app.service('bookings').patch(world.booking.id, { status: 'in_progress' })
        assert.strictEqual((await clients.worker.service('channels').get(channel.id)).status, 'active')
        const delivered = nextEvent(
          clients.supervisor,
          'messages',
          'created',
          (m) => m.content === `back after ${status}`
        )
        const sent = await clients.worker
          .service('messages')
          .create({ channel_id: channel.id, content: `back after ${status}` })
        assert.strictEqual(sent.sender_id, world.worker.id)
        assert.deepStrictEqual(await delivered, sent)
      })
    }
  })
})
