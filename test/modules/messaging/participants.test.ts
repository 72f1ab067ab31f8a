import assert from 'assert'
import { useServer } from '../../helpers/app'
import { addMember, buildAdmin, buildBooking, buildDispute, buildUser, openBookingChannel } from '../../helpers/factories'
import type { BookingWorld, TestUser } from '../../helpers/factories'
import { nextEvent, recordEvents, sleep, socketClient } from '../../helpers/clients'
import type { ClientApplication } from '../../../src/client'
import { QUIET_MS, rejectsWithCode } from '../../helpers/assertions'

const rolesOf = (participants: any[]) =>
  Object.fromEntries(participants.map((participant) => [participant.user_id, participant.role]))

async function participantsOf(client: ClientApplication, channelId: number, extra: Record<string, unknown> = {}) {
  const page = await client.service('participants').find({ query: { channel_id: channelId, ...extra } as any })
  return page.data as any[]
}

describe('participants', () => {
  const server = useServer()

  describe('derivation from the context', () => {
    it("makes a booking channel's participants exactly its worker, supervisor and both companies' admins and managers", async () => {
      const world = await buildBooking(server.app)
      const channel = await openBookingChannel(server.app, world)
      const worker = await socketClient(server.url, world.worker)

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
      const world = await buildBooking(server.app)
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
      assert.ok(['supervisor', 'lender_admin'].includes(roles[world.supervisor.id]), roles[world.supervisor.id])

      // Still one row each in the record, removed ones included
      const admin = await socketClient(server.url, await buildAdmin(server.app))
      const everyRow = await participantsOf(admin, channel.id, { $withRemoved: true })
      assert.strictEqual(everyRow.filter((row) => row.user_id === world.worker.id).length, 1)
      assert.strictEqual(everyRow.filter((row) => row.user_id === world.supervisor.id).length, 1)
    })
  })

  describe('when the supervisor is replaced', () => {
    let world: BookingWorld
    let channelId: number
    let newSupervisor: TestUser
    let oldClient: ClientApplication
    let workerClient: ClientApplication
    let managerClient: ClientApplication
    let newClient: ClientApplication
    let adminClient: ClientApplication
    let newSawChannels: any[]
    let newChannelCreated: Promise<any>

    before(async () => {
      world = await buildBooking(server.app)
      channelId = (await openBookingChannel(server.app, world)).id
      newSupervisor = await buildUser(server.app)
      oldClient = await socketClient(server.url, world.supervisor)
      workerClient = await socketClient(server.url, world.worker)
      managerClient = await socketClient(server.url, world.borrowerManager)
      newClient = await socketClient(server.url, newSupervisor)
      adminClient = await socketClient(server.url, await buildAdmin(server.app))
      // The old supervisor was receiving the channel before the change
      const before = nextEvent(oldClient, 'messages', 'created', (message: any) => message.channel_id === channelId)
      await workerClient.service('messages').create({ channel_id: channelId, content: 'before the change' })
      await before

      newSawChannels = recordEvents(newClient, 'channels', 'created')
      newChannelCreated = nextEvent(newClient, 'channels', 'created', (channel: any) => channel.id === channelId)
      newChannelCreated.catch(() => undefined)
      await server.app.service('bookings').patch(world.booking.id, { supervisor_id: newSupervisor.id })
    })

    it("keeps the old supervisor's row with removed_at set, visible only to an admin asking $withRemoved", async () => {
      const everyRow = await participantsOf(adminClient, channelId, { $withRemoved: true })
      const oldRows = everyRow.filter((row) => row.user_id === world.supervisor.id)
      assert.strictEqual(oldRows.length, 1)
      assert.strictEqual(oldRows[0].role, 'supervisor')
      assert.ok(oldRows[0].removed_at, 'removed_at is set')
      assert.ok(!Number.isNaN(Date.parse(oldRows[0].removed_at)), `removed_at is a timestamp: ${oldRows[0].removed_at}`)

      const adminDefault = await participantsOf(adminClient, channelId)
      assert.ok(!adminDefault.some((row) => row.user_id === world.supervisor.id))
      const workerView = await participantsOf(workerClient, channelId)
      assert.ok(!workerView.some((row) => row.user_id === world.supervisor.id), 'others do not see the removed row')
      assert.ok(workerView.every((row) => row.removed_at === null))
    })

    it("stops delivering the channel's messages to the old supervisor's connected socket at once", async () => {
      const oldSaw = recordEvents(oldClient, 'messages', 'created')
      const oldSawReceipts = recordEvents(oldClient, 'participants', 'patched')
      const workerGets = nextEvent(workerClient, 'messages', 'created', (message: any) => message.content === 'after the change')
      const sent = await managerClient.service('messages').create({ channel_id: channelId, content: 'after the change' })
      assert.strictEqual((await workerGets).id, sent.id)
      // A read receipt in the channel does not reach them either
      const [workerRow] = await participantsOf(workerClient, channelId, { user_id: world.worker.id })
      const receipt = nextEvent(managerClient, 'participants', 'patched', (p: any) => p.id === workerRow.id)
      await workerClient.service('participants').patch(workerRow.id, { last_read_seq: sent.seq })
      await receipt
      await sleep(QUIET_MS)
      assert.deepStrictEqual(oldSaw, [])
      assert.deepStrictEqual(oldSawReceipts, [])
    })

    it("refuses the old supervisor's sends and reads with 403", async () => {
      await rejectsWithCode(oldClient.service('messages').create({ channel_id: channelId, content: 'still here?' }), 403)
      await rejectsWithCode(oldClient.service('messages').find({ query: { channel_id: channelId } }), 403)
      await rejectsWithCode(oldClient.service('participants').find({ query: { channel_id: channelId } }), 403)
      await rejectsWithCode(oldClient.service('channels').get(channelId), 403)
      const listed = await oldClient.service('channels').find({ query: { context_type: 'booking', context_id: world.booking.id } })
      assert.deepStrictEqual(listed.data, [])
    })

    it('adds the new supervisor, who gets channels created and then live messages without reconnecting', async () => {
      const workerView = await participantsOf(workerClient, channelId)
      const added = workerView.filter((row) => row.user_id === newSupervisor.id)
      assert.strictEqual(added.length, 1)
      assert.strictEqual(added[0].role, 'supervisor')

      const announced = await newChannelCreated
      assert.strictEqual(announced.context_type, 'booking')
      assert.strictEqual(announced.context_id, world.booking.id)
      assert.strictEqual(newSawChannels.filter((channel) => channel.id === channelId).length, 1)

      const live = nextEvent(newClient, 'messages', 'created', (message: any) => message.channel_id === channelId)
      const sent = await workerClient.service('messages').create({ channel_id: channelId, content: 'welcome aboard' })
      assert.deepStrictEqual(await live, sent)
      const own = await newClient.service('messages').create({ channel_id: channelId, content: 'thanks' })
      assert.strictEqual(own.sender_id, newSupervisor.id)
    })
  })

  describe('the chat.participants.changed event', () => {
    it('names the channel, its status and who joined and left by ids and roles, nothing of the rows', async () => {
      const world = await buildBooking(server.app)
      const channel = await openBookingChannel(server.app, world)
      const newcomer = await buildUser(server.app)
      const seen: any[] = []
      const stop = server.app.get('events').on('chat.participants.changed', (event) => void seen.push(event))
      await server.app.service('bookings').patch(world.booking.id, { supervisor_id: newcomer.id })
      stop()
      const rows = await server.app.get('postgresqlClient')('chat_participants').where({ channel_id: channel.id })
      const rowOf = (userId: number, removed: boolean) => rows.find((row: any) => row.user_id === userId && Boolean(row.removed_at) === removed)
      assert.deepStrictEqual(seen, [
        {
          channel_id: channel.id,
          status: 'active',
          status_changed: false,
          added: [{ participant_id: rowOf(newcomer.id, false).id, user_id: newcomer.id, role: 'supervisor' }],
          removed: [{ participant_id: rowOf(world.supervisor.id, true).id, user_id: world.supervisor.id, role: 'supervisor' }],
          updated: []
        }
      ])
    })
  })

  describe('a person who still belongs through another role', () => {
    it('keeps a replaced supervisor who is also a lender admin, with the remaining role, and keeps delivering to them', async () => {
      const world = await buildBooking(server.app)
      await addMember(server.app, world.lenderCompanyId, world.supervisor.id, 'admin')
      const channel = await openBookingChannel(server.app, world)
      const stayingClient = await socketClient(server.url, world.supervisor)
      const workerClient = await socketClient(server.url, world.worker)
      const replacement = await buildUser(server.app)

      await server.app.service('bookings').patch(world.booking.id, { supervisor_id: replacement.id })

      const roles = rolesOf(await participantsOf(workerClient, channel.id))
      assert.strictEqual(roles[world.supervisor.id], 'lender_admin')
      assert.strictEqual(roles[replacement.id], 'supervisor')
      const live = nextEvent(stayingClient, 'messages', 'created', (m: any) => m.channel_id === channel.id)
      const sent = await workerClient.service('messages').create({ channel_id: channel.id, content: 'still with us' })
      assert.deepStrictEqual(await live, sent)
    })

    it("changes a member's participant role when their company role changes", async () => {
      const world = await buildBooking(server.app)
      const channel = await openBookingChannel(server.app, world)
      const workerClient = await socketClient(server.url, world.worker)
      const [membership] = await server.app.service('company-members').find({
        query: { company_id: world.lenderCompanyId, user_id: world.lenderManager.id },
        paginate: false
      })
      await server.app.service('company-members').patch(membership.id, { role: 'admin' })
      const rows = (await participantsOf(workerClient, channel.id)).filter((row) => row.user_id === world.lenderManager.id)
      assert.strictEqual(rows.length, 1)
      assert.strictEqual(rows[0].role, 'lender_admin')
    })
  })

  describe('company membership changes', () => {
    it('adds a new company manager to every existing booking channel of that company, live', async () => {
      const world = await buildBooking(server.app)
      const first = await openBookingChannel(server.app, world)
      const other = await server.app.service('bookings').create({
        borrower_company_id: world.borrowerCompanyId,
        lender_company_id: world.lenderCompanyId,
        worker_id: world.worker.id,
        supervisor_id: world.supervisor.id,
        status: 'confirmed'
      })
      const second = await server.app
        .service('channels')
        .create({ context_type: 'booking', context_id: other.id }, { user: world.worker })
      // A booking of unrelated companies, whose channel the newcomer must not join
      const unrelated = await buildBooking(server.app)
      const unrelatedChannel = await openBookingChannel(server.app, unrelated)

      const newcomer = await buildUser(server.app)
      const newcomerClient = await socketClient(server.url, newcomer)
      const workerClient = await socketClient(server.url, world.worker)
      const created = recordEvents(newcomerClient, 'channels', 'created')
      const live = recordEvents(newcomerClient, 'messages', 'created')

      await server.app
        .service('company-members')
        .create({ company_id: world.borrowerCompanyId, user_id: newcomer.id, role: 'manager' })

      for (const channelId of [first.id, second.id]) {
        const rows = (await participantsOf(workerClient, channelId)).filter((row) => row.user_id === newcomer.id)
        assert.strictEqual(rows.length, 1, `newcomer in channel ${channelId}`)
        assert.strictEqual(rows[0].role, 'borrower_manager')
      }
      const listed = await newcomerClient.service('channels').find({})
      assert.deepStrictEqual(listed.data.map((channel) => channel.id).sort(), [first.id, second.id].sort())
      await rejectsWithCode(newcomerClient.service('messages').find({ query: { channel_id: unrelatedChannel.id } }), 403)

      const secondArrives = nextEvent(newcomerClient, 'messages', 'created', (m: any) => m.channel_id === second.id)
      await workerClient.service('messages').create({ channel_id: first.id, content: 'first channel news' })
      await workerClient.service('messages').create({ channel_id: second.id, content: 'second channel news' })
      await secondArrives
      assert.deepStrictEqual(
        live.map((message) => message.channel_id),
        [first.id, second.id]
      )
      assert.deepStrictEqual(created.map((channel) => channel.id).sort(), [first.id, second.id].sort())
    })

    it('removes a company member who leaves from its booking channels, live', async () => {
      const world = await buildBooking(server.app)
      const channel = await openBookingChannel(server.app, world)
      const leaverClient = await socketClient(server.url, world.borrowerManager)
      const workerClient = await socketClient(server.url, world.worker)
      const adminClient = await socketClient(server.url, await buildAdmin(server.app))
      const [membership] = await server.app.service('company-members').find({
        query: { company_id: world.borrowerCompanyId, user_id: world.borrowerManager.id },
        paginate: false
      })

      await server.app.service('company-members').remove(membership.id)

      const current = await participantsOf(workerClient, channel.id)
      assert.ok(!current.some((row) => row.user_id === world.borrowerManager.id))
      assert.strictEqual(current.length, 5)
      const everyRow = await participantsOf(adminClient, channel.id, { $withRemoved: true })
      const kept = everyRow.find((row) => row.user_id === world.borrowerManager.id)
      assert.ok(kept?.removed_at, 'the row is kept with removed_at set')

      const leaverSaw = recordEvents(leaverClient, 'messages', 'created')
      const control = nextEvent(workerClient, 'messages', 'created', (m: any) => m.content === 'after you left')
      await workerClient.service('messages').create({ channel_id: channel.id, content: 'after you left' })
      await control
      await sleep(QUIET_MS)
      assert.deepStrictEqual(leaverSaw, [])
      await rejectsWithCode(leaverClient.service('messages').create({ channel_id: channel.id, content: 'hello?' }), 403)
      const listed = await leaverClient.service('channels').find({})
      assert.ok(!listed.data.some((view) => view.id === channel.id))
    })
  })

  describe('dispute channels', () => {
    it('adds and removes parties as party_ids change, with the role dispute_party', async () => {
      const world = await buildBooking(server.app)
      const dispute = await buildDispute(server.app, world.booking.id, [world.worker.id, world.lenderAdmin.id])
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
      await rejectsWithCode(joiningClient.service('messages').find({ query: { channel_id: channel.id } }), 403)

      const joinedAnnounced = nextEvent(joiningClient, 'channels', 'created', (c: any) => c.id === channel.id)
      await server.app.service('disputes').patch(dispute.id, { party_ids: [world.worker.id, world.supervisor.id] })

      const after = await participantsOf(workerClient, channel.id)
      assert.deepStrictEqual(rolesOf(after), {
        [world.worker.id]: 'dispute_party',
        [world.supervisor.id]: 'dispute_party'
      })
      await joinedAnnounced

      const leavingSaw = recordEvents(leavingClient, 'messages', 'created')
      const live = nextEvent(joiningClient, 'messages', 'created', (m: any) => m.channel_id === channel.id)
      const sent = await workerClient.service('messages').create({ channel_id: channel.id, content: 'new party, hello' })
      assert.deepStrictEqual(await live, sent)
      await sleep(QUIET_MS)
      assert.deepStrictEqual(leavingSaw, [])
      await rejectsWithCode(leavingClient.service('messages').find({ query: { channel_id: channel.id } }), 403)
      await rejectsWithCode(leavingClient.service('messages').create({ channel_id: channel.id, content: 'wait' }), 403)
    })

    it('freezes a dispute channel when the dispute is resolved and reopens it with the dispute', async () => {
      const world = await buildBooking(server.app)
      const dispute = await buildDispute(server.app, world.booking.id, [world.worker.id, world.supervisor.id])
      const channel = await server.app
        .service('channels')
        .create({ context_type: 'dispute', context_id: dispute.id }, { user: world.worker })
      const workerClient = await socketClient(server.url, world.worker)

      for (const status of ['resolved', 'closed'] as const) {
        await server.app.service('disputes').patch(dispute.id, { status })
        assert.strictEqual((await workerClient.service('channels').get(channel.id)).status, 'frozen', status)
        await rejectsWithCode(workerClient.service('messages').create({ channel_id: channel.id, content: 'frozen?' }), 403)
        await server.app.service('disputes').patch(dispute.id, { status: 'open' })
        assert.strictEqual((await workerClient.service('channels').get(channel.id)).status, 'active')
        await workerClient.service('messages').create({ channel_id: channel.id, content: `after ${status}` })
      }
    })
  })

  describe('a booking channel follows the booking status', () => {
    let world: BookingWorld
    let channelId: number
    let workerClient: ClientApplication
    let supervisorClient: ClientApplication
    let adminClient: ClientApplication

    before(async () => {
      world = await buildBooking(server.app)
      channelId = (await openBookingChannel(server.app, world)).id
      workerClient = await socketClient(server.url, world.worker)
      supervisorClient = await socketClient(server.url, world.supervisor)
      adminClient = await socketClient(server.url, await buildAdmin(server.app))
    })

    for (const status of ['completed', 'cancelled'] as const) {
      it(`freezes when the booking is ${status}: participants get 403 on send, an admin may still send`, async () => {
        const patched = nextEvent(supervisorClient, 'channels', 'patched', (c: any) => c.id === channelId && c.status === 'frozen')
        await server.app.service('bookings').patch(world.booking.id, { status })
        assert.strictEqual((await workerClient.service('channels').get(channelId)).status, 'frozen')
        assert.strictEqual((await patched).status, 'frozen')

        await rejectsWithCode(workerClient.service('messages').create({ channel_id: channelId, content: 'is anyone there' }), 403)
        const history = await workerClient.service('messages').find({ query: { channel_id: channelId } })
        assert.ok(!history.data.some((message) => message.content === 'is anyone there'))

        const delivered = nextEvent(workerClient, 'messages', 'created', (m: any) => m.channel_id === channelId)
        const official = await adminClient.service('messages').create({ channel_id: channelId, content: `closing note (${status})` })
        assert.strictEqual(official.channel_id, channelId)
        assert.deepStrictEqual(await delivered, official)
      })

      it(`turns active again when the ${status} booking is reopened (in_progress), and sends work`, async () => {
        await server.app.service('bookings').patch(world.booking.id, { status: 'in_progress' })
        assert.strictEqual((await workerClient.service('channels').get(channelId)).status, 'active')
        const delivered = nextEvent(supervisorClient, 'messages', 'created', (m: any) => m.content === `back after ${status}`)
        const sent = await workerClient.service('messages').create({ channel_id: channelId, content: `back after ${status}` })
        assert.strictEqual(sent.sender_id, world.worker.id)
        assert.deepStrictEqual(await delivered, sent)
      })
    }
  })

  describe('read receipts and mute', () => {
    let world: BookingWorld
    let channelId: number
    let workerClient: ClientApplication
    let supervisorClient: ClientApplication
    let outsiderClient: ClientApplication
    let workerRow: any
    let supervisorRow: any

    before(async () => {
      world = await buildBooking(server.app)
      channelId = (await openBookingChannel(server.app, world)).id
      workerClient = await socketClient(server.url, world.worker)
      supervisorClient = await socketClient(server.url, world.supervisor)
      outsiderClient = await socketClient(server.url, world.outsider)
      for (const content of ['one', 'two', 'three']) {
        await supervisorClient.service('messages').create({ channel_id: channelId, content })
      }
      const rows = await participantsOf(workerClient, channelId)
      workerRow = rows.find((row) => row.user_id === world.worker.id)
      supervisorRow = rows.find((row) => row.user_id === world.supervisor.id)
      assert.strictEqual(workerRow.last_read_seq, 0)
    })

    it("sends 'participants patched' to the other participants when one marks the channel read", async () => {
      const outsiderSaw = recordEvents(outsiderClient, 'participants', 'patched')
      const receipt = nextEvent(supervisorClient, 'participants', 'patched', (p: any) => p.id === workerRow.id)
      const result = await workerClient.service('participants').patch(workerRow.id, { last_read_seq: 2 })
      assert.strictEqual(result.last_read_seq, 2)
      assert.ok(result.last_read_at, 'last_read_at is set')
      const seen = await receipt
      assert.strictEqual(seen.user_id, world.worker.id)
      assert.strictEqual(seen.channel_id, channelId)
      assert.strictEqual(seen.last_read_seq, 2)
      await sleep(QUIET_MS)
      assert.deepStrictEqual(outsiderSaw, [])
    })

    it('never moves the read position back', async () => {
      const result = await workerClient.service('participants').patch(workerRow.id, { last_read_seq: 1 })
      assert.strictEqual(result.last_read_seq, 2)
      const [row] = await participantsOf(supervisorClient, channelId, { user_id: world.worker.id })
      assert.strictEqual(row.last_read_seq, 2)
    })

    it("clamps a read position beyond the last message to the channel's last_seq", async () => {
      const channel = await workerClient.service('channels').get(channelId)
      assert.strictEqual(channel.last_seq, 3)
      const result = await workerClient.service('participants').patch(workerRow.id, { last_read_seq: 1000 })
      assert.strictEqual(result.last_read_seq, 3)
      const [row] = await participantsOf(workerClient, channelId, { user_id: world.worker.id })
      assert.strictEqual(row.last_read_seq, 3)
      // ...so the next message still counts as unread
      await supervisorClient.service('messages').create({ channel_id: channelId, content: 'four' })
      const [view] = (await workerClient.service('channels').find({ query: { context_type: 'booking', context_id: world.booking.id } })).data
      assert.strictEqual(view.unread_count, 1)
    })

    it("refuses to patch another participant's row with 403", async () => {
      const before = (await participantsOf(supervisorClient, channelId, { user_id: world.supervisor.id }))[0]
      await rejectsWithCode(workerClient.service('participants').patch(supervisorRow.id, { last_read_seq: 0 }), 403)
      await rejectsWithCode(workerClient.service('participants').patch(supervisorRow.id, { muted: true }), 403)
      const after = (await participantsOf(supervisorClient, channelId, { user_id: world.supervisor.id }))[0]
      assert.deepStrictEqual(after, before)
    })

    it('sets muted and reads it back', async () => {
      const muted = await workerClient.service('participants').patch(workerRow.id, { muted: true })
      assert.strictEqual(muted.muted, true)
      assert.strictEqual((await workerClient.service('participants').get(workerRow.id)).muted, true)
      const [row] = await participantsOf(workerClient, channelId, { user_id: world.worker.id })
      assert.strictEqual(row.muted, true)
      const unmuted = await workerClient.service('participants').patch(workerRow.id, { muted: false })
      assert.strictEqual(unmuted.muted, false)
      assert.strictEqual((await participantsOf(workerClient, channelId, { user_id: world.worker.id }))[0].muted, false)
    })

    it("moves the sender's own read position to the message they send", async () => {
      await supervisorClient.service('messages').create({ channel_id: channelId, content: 'five' })
      const [before] = await participantsOf(workerClient, channelId, { user_id: world.worker.id })
      assert.ok(before.last_read_seq < 5, `worker had not read up to 5: ${before.last_read_seq}`)
      const sent = await workerClient.service('messages').create({ channel_id: channelId, content: 'read it all' })
      const [after] = await participantsOf(workerClient, channelId, { user_id: world.worker.id })
      assert.strictEqual(after.last_read_seq, sent.seq)
      assert.ok(after.last_read_at, 'last_read_at is set')
    })
  })
})
