import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildAdmin, buildUser } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import type { BookingWorld, TestUser } from '../../../../helpers/factories'
import { nextEvent, recordEvents, sleep, socketClient } from '../../../../helpers/clients'
import type { EventData } from '../../../../helpers/clients'
import type { ClientApplication } from '../../../../../src/client'
import { QUIET_MS, rejectsWithCode } from '../../../../helpers/assertions'
import { participantsOf } from './queries'

describe('participants', () => {
  const server = useServer()

  describe('when the supervisor is replaced', () => {
    let world: BookingWorld
    let channelId: number
    let newSupervisor: TestUser
    let oldClient: ClientApplication
    let workerClient: ClientApplication
    let managerClient: ClientApplication
    let newClient: ClientApplication
    let adminClient: ClientApplication
    let newSawChannels: EventData<'channels', 'created'>[]
    let newChannelCreated: Promise<EventData<'channels', 'created'>>

    before(async () => {
      ;({ world, channelId } = await bookingChannel(server.app))
      newSupervisor = await buildUser(server.app)
      oldClient = await socketClient(server.url, world.supervisor)
      workerClient = await socketClient(server.url, world.worker)
      managerClient = await socketClient(server.url, world.borrowerManager)
      newClient = await socketClient(server.url, newSupervisor)
      adminClient = await socketClient(server.url, await buildAdmin(server.app))
      // The old supervisor was receiving the channel before the change
      const before = nextEvent(
        oldClient,
        'messages',
        'created',
        (message) => message.channel_id === channelId
      )
      await workerClient.service('messages').create({ channel_id: channelId, content: 'before the change' })
      await before

      newSawChannels = recordEvents(newClient, 'channels', 'created')
      newChannelCreated = nextEvent(newClient, 'channels', 'created', (channel) => channel.id === channelId)
      newChannelCreated.catch(() => undefined)
      await server.app.service('bookings').patch(world.booking.id, { supervisor_id: newSupervisor.id })
    })

    it("keeps the old supervisor's row with removed_at set, visible only to an admin asking $withRemoved", async () => {
      const everyRow = await participantsOf(adminClient, channelId, { $withRemoved: true })
      const oldRows = everyRow.filter((row) => row.user_id === world.supervisor.id)
      assert.strictEqual(oldRows.length, 1)
      assert.strictEqual(oldRows[0].role, 'supervisor')
      assert.ok(oldRows[0].removed_at, 'removed_at is set')
      assert.ok(
        !Number.isNaN(Date.parse(oldRows[0].removed_at)),
        `removed_at is a timestamp: ${oldRows[0].removed_at}`
      )

      const adminDefault = await participantsOf(adminClient, channelId)
      assert.ok(!adminDefault.some((row) => row.user_id === world.supervisor.id))
      const workerView = await participantsOf(workerClient, channelId)
      assert.ok(
        !workerView.some((row) => row.user_id === world.supervisor.id),
        'others do not see the removed row'
      )
      assert.ok(workerView.every((row) => row.removed_at === null))
    })

    it("stops delivering the channel's messages to the old supervisor's connected socket at once", async () => {
      const oldSaw = recordEvents(oldClient, 'messages', 'created')
      const oldSawReceipts = recordEvents(oldClient, 'participants', 'patched')
      const workerGets = nextEvent(
        workerClient,
        'messages',
        'created',
        (message) => message.content === 'after the change'
      )
      const sent = await managerClient
        .service('messages')
        .create({ channel_id: channelId, content: 'after the change' })
      assert.strictEqual((await workerGets).id, sent.id)
      // A read receipt in the channel does not reach them either
      const [workerRow] = await participantsOf(workerClient, channelId, { user_id: world.worker.id })
      const receipt = nextEvent(managerClient, 'participants', 'patched', (p) => p.id === workerRow.id)
      await workerClient.service('participants').patch(workerRow.id, { last_read_seq: sent.seq })
      await receipt
      await sleep(QUIET_MS)
      assert.deepStrictEqual(oldSaw, [])
      assert.deepStrictEqual(oldSawReceipts, [])
    })

    it("refuses the old supervisor's sends and reads with 403", async () => {
      await rejectsWithCode(
        oldClient.service('messages').create({ channel_id: channelId, content: 'still here?' }),
        403
      )
      await rejectsWithCode(oldClient.service('messages').find({ query: { channel_id: channelId } }), 403)
      await rejectsWithCode(oldClient.service('participants').find({ query: { channel_id: channelId } }), 403)
      await rejectsWithCode(oldClient.service('channels').get(channelId), 403)
      const listed = await oldClient
        .service('channels')
        .find({ query: { context_type: 'booking', context_id: world.booking.id } })
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

      const live = nextEvent(newClient, 'messages', 'created', (message) => message.channel_id === channelId)
      const sent = await workerClient
        .service('messages')
        .create({ channel_id: channelId, content: 'welcome aboard' })
      assert.deepStrictEqual(await live, sent)
      const own = await newClient.service('messages').create({ channel_id: channelId, content: 'thanks' })
      assert.strictEqual(own.sender_id, newSupervisor.id)
    })
  })
})
