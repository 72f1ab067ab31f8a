import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildAdmin, buildUser } from '../../../../helpers/factories'
import { anotherBookingChannel, bookingChannel } from '../../../../helpers/fixtures'
import { nextEvent, recordEvents, sleep, socketClient } from '../../../../helpers/clients'
import { QUIET_MS, rejectsWithCode } from '../../../../helpers/assertions'
import { participantsOf } from './queries'

describe('participants', () => {
  const server = useServer()

  describe('company membership changes', () => {
    it('adds a new company manager to every existing booking channel of that company, live', async () => {
      const { world, channel: first } = await bookingChannel(server.app)
      const second = await anotherBookingChannel(server.app, world)
      // A booking of unrelated companies, whose channel the newcomer must not join
      const { channel: unrelatedChannel } = await bookingChannel(server.app)

      const newcomer = await buildUser(server.app)
      const newcomerClient = await socketClient(server.url, newcomer)
      const workerClient = await socketClient(server.url, world.worker)
      const created = recordEvents(newcomerClient, 'channels', 'created')
      const live = recordEvents(newcomerClient, 'messages', 'created')

      await server.app
        .service('company-members')
        .create({ company_id: world.borrowerCompanyId, user_id: newcomer.id, role: 'manager' })

      for (const channelId of [first.id, second.id]) {
        const rows = (await participantsOf(workerClient, channelId)).filter(
          (row) => row.user_id === newcomer.id
        )
        assert.strictEqual(rows.length, 1, `newcomer in channel ${channelId}`)
        assert.strictEqual(rows[0].role, 'borrower_manager')
      }
      const listed = await newcomerClient.service('channels').find({})
      assert.deepStrictEqual(listed.data.map((channel) => channel.id).sort(), [first.id, second.id].sort())
      await rejectsWithCode(
        newcomerClient.service('messages').find({ query: { channel_id: unrelatedChannel.id } }),
        403
      )

      const secondArrives = nextEvent(
        newcomerClient,
        'messages',
        'created',
        (m) => m.channel_id === second.id
      )
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
      const { world, channel } = await bookingChannel(server.app)
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
      const control = nextEvent(workerClient, 'messages', 'created', (m) => m.content === 'after you left')
      await workerClient.service('messages').create({ channel_id: channel.id, content: 'after you left' })
      await control
      await sleep(QUIET_MS)
      assert.deepStrictEqual(leaverSaw, [])
      await rejectsWithCode(
        leaverClient.service('messages').create({ channel_id: channel.id, content: 'hello?' }),
        403
      )
      const listed = await leaverClient.service('channels').find({})
      assert.ok(!listed.data.some((view) => view.id === channel.id))
    })
  })
})
