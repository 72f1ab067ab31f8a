import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { addMember, buildAdmin, buildUser, openBookingChannel } from '../../../../helpers/factories'
import { nextEvent, socketClient } from '../../../../helpers/clients'
import { participantsOf, rolesOf } from './queries'
import { bookingChannelWithClients, bookingWorld } from '../../../../helpers/fixtures'

describe('participants', () => {
  const server = useServer()

  describe('derivation from the context', () => {
    it("makes a booking channel's participants exactly its worker, supervisor and both companies' admins and managers", async () => {
      const {
        world,
        channel,
        clients: { worker }
      } = await bookingChannelWithClients(server, { connected: ['worker'] })

      const participants = await participantsOf(worker, channel.id)
      assert.strictEqual(participants.length, 6)
      assert.deepStrictEqual(rolesOf(participants), {
        [world.worker.id]: 'worker',
        [world.supervisor.id]: 'supervisor',
        [world.borrowerAdmin.id]: 'borrower_admin',
        [world.borrowerManager.id]: 'borrower_manager',
        [world.lenderAdmin.id]: 'lender_admin',
        [world.lenderManager.id]: 'lender_manager'
      })
      for (const participant of participants) {
        assert.strictEqual(participant.channel_id, channel.id)
        assert.strictEqual(participant.removed_at, null)
      }
    })

    it('lists a person with two roles once', async () => {
      const world = await bookingWorld(server.app)
      // The worker is also a manager of the borrower company before the channel opens
      await addMember(server.app, world.borrowerCompanyId, world.worker.id, 'manager')
      const channel = await openBookingChannel(server.app, world)
      // ...and the supervisor becomes a lender admin once it is open
      await addMember(server.app, world.lenderCompanyId, world.supervisor.id, 'admin')
      const manager = await socketClient(server.url, world.borrowerManager)

      const participants = await participantsOf(manager, channel.id)
      const userIds = participants.map((participant) => participant.user_id)
      assert.strictEqual(new Set(userIds).size, userIds.length, `duplicate participants: ${userIds}`)
      assert.strictEqual(userIds.filter((id) => id === world.worker.id).length, 1)
      assert.strictEqual(userIds.filter((id) => id === world.supervisor.id).length, 1)
      assert.strictEqual(participants.length, 6)
      const roles = rolesOf(participants)
      assert.ok(['worker', 'borrower_manager'].includes(roles[world.worker.id]), roles[world.worker.id])
      assert.ok(
        ['supervisor', 'lender_admin'].includes(roles[world.supervisor.id]),
        roles[world.supervisor.id]
      )

      // Still one row each in the record, removed ones included
      const admin = await socketClient(server.url, await buildAdmin(server.app))
      const everyRow = await participantsOf(admin, channel.id, { $withRemoved: true })
      assert.strictEqual(everyRow.filter((row) => row.user_id === world.worker.id).length, 1)
      assert.strictEqual(everyRow.filter((row) => row.user_id === world.supervisor.id).length, 1)
    })
  })

  describe('a person who still belongs through another role', () => {
    it('keeps a replaced supervisor who is also a lender admin, with the remaining role, and keeps delivering to them', async () => {
      const world = await bookingWorld(server.app)
      await addMember(server.app, world.lenderCompanyId, world.supervisor.id, 'admin')
      const channel = await openBookingChannel(server.app, world)
      const stayingClient = await socketClient(server.url, world.supervisor)
      const workerClient = await socketClient(server.url, world.worker)
      const replacement = await buildUser(server.app)

      await server.app.service('bookings').patch(world.booking.id, { supervisor_id: replacement.id })

      const roles = rolesOf(await participantsOf(workerClient, channel.id))
      assert.strictEqual(roles[world.supervisor.id], 'lender_admin')
      assert.strictEqual(roles[replacement.id], 'supervisor')
      const live = nextEvent(stayingClient, 'messages', 'created', (m) => m.channel_id === channel.id)
      const sent = await workerClient
        .service('messages')
        .create({ channel_id: channel.id, content: 'still with us' })
      assert.deepStrictEqual(await live, sent)
    })

    it("changes a member's participant role when their company role changes", async () => {
      const {
        world,
        channel,
        clients: { worker: workerClient }
      } = await bookingChannelWithClients(server, { connected: ['worker'] })
      const [membership] = await server.app.service('company-members').find({
        query: { company_id: world.lenderCompanyId, user_id: world.lenderManager.id },
        paginate: false
      })
      await server.app.service('company-members').patch(membership.id, { role: 'admin' })
      const rows = (await participantsOf(workerClient, channel.id)).filter(
        (row) => row.user_id === world.lenderManager.id
      )
      assert.strictEqual(rows.length, 1)
      assert.strictEqual(rows[0].role, 'lender_admin')
    })
  })
})
