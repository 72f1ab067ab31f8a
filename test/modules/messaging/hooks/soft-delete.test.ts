import assert from 'assert'
import { useServer } from '../../../helpers/app'
import { addMember, buildAdmin, openBookingChannel } from '../../../helpers/factories'
import { bookingWorld } from '../../../helpers/fixtures'
import type { BookingWorld, TestUser } from '../../../helpers/factories'
import { http, login, nextEvent, recordEvents, sleep, socketClient } from '../../../helpers/clients'
import type { ClientApplication, Message } from '../../../../src/client'
import { QUIET_MS, rejectsWithCode } from '../../../helpers/assertions'

describe('real-time delivery', () => {
  const server = useServer()

  describe('soft delete', () => {
    let world: BookingWorld
    let channelId: number
    let participantAdmin: TestUser
    let outsideAdmin: TestUser
    let worker: ClientApplication
    let supervisor: ClientApplication
    let participantAdminClient: ClientApplication
    let outsideAdminClient: ClientApplication

    before(async () => {
      world = await bookingWorld(server.app)
      // A platform admin who also manages the lender company, so is a participant
      participantAdmin = await buildAdmin(server.app)
      await addMember(server.app, world.lenderCompanyId, participantAdmin.id, 'manager')
      outsideAdmin = await buildAdmin(server.app)
      channelId = (await openBookingChannel(server.app, world)).id
      worker = await socketClient(server.url, world.worker)
      supervisor = await socketClient(server.url, world.supervisor)
      participantAdminClient = await socketClient(server.url, participantAdmin)
      outsideAdminClient = await socketClient(server.url, outsideAdmin)
      const rows = await worker
        .service('participants')
        .find({ query: { channel_id: channelId, user_id: participantAdmin.id } })
      assert.strictEqual(rows.total, 1, 'the admin is a participant')
    })

    const send = (content: string) => worker.service('messages').create({ channel_id: channelId, content })

    it("sends 'messages removed' without content to participants and with content to an admin participant", async () => {
      const sent = await send('a regrettable remark')
      const toSupervisor = nextEvent(supervisor, 'messages', 'removed', (m) => m.id === sent.id)
      const toSender = nextEvent(worker, 'messages', 'removed', (m) => m.id === sent.id)
      const toAdmin = nextEvent(participantAdminClient, 'messages', 'removed', (m) => m.id === sent.id)
      const adminSaw = recordEvents(participantAdminClient, 'messages', 'removed')
      const outsideAdminSaw = recordEvents(outsideAdminClient, 'messages', 'removed')

      await worker.service('messages').remove(sent.id)

      for (const event of [await toSupervisor, await toSender]) {
        assert.strictEqual(event.is_deleted, true)
        assert.ok(event.deleted_at, 'deleted_at is set')
        assert.strictEqual(event.channel_id, channelId)
        assert.strictEqual(event.seq, sent.seq)
        assert.ok(!('content' in event), `no content for a participant: ${JSON.stringify(event)}`)
        assert.ok(!JSON.stringify(event).includes('regrettable'))
      }
      const adminEvent = await toAdmin
      assert.strictEqual(adminEvent.is_deleted, true)
      assert.strictEqual(adminEvent.content, 'a regrettable remark')
      await sleep(QUIET_MS)
      // Once, with the content, and not also the participants' copy
      assert.strictEqual(adminSaw.filter((m) => m.id === sent.id).length, 1)
      assert.deepStrictEqual(outsideAdminSaw, [])
    })

    it('answers get of a deleted message with 404 for participants, and with the content for an admin', async () => {
      const sent = await send('gone soon')
      await worker.service('messages').remove(sent.id)

      await rejectsWithCode(worker.service('messages').get(sent.id), 404)
      await rejectsWithCode(supervisor.service('messages').get(sent.id), 404)
      for (const admin of [participantAdminClient, outsideAdminClient]) {
        const found = await admin.service('messages').get(sent.id)
        assert.strictEqual(found.id, sent.id)
        assert.strictEqual(found.is_deleted, true)
        assert.strictEqual(found.content, 'gone soon')
      }
    })

    it('keeps a deleted message in find as a tombstone without its words unless an admin asks $withDeleted: true', async () => {
      const kept = await send('kept')
      const deleted = await send('deleted')
      await worker.service('messages').remove(deleted.id)

      for (const client of [worker, supervisor, participantAdminClient, outsideAdminClient]) {
        const page = await client.service('messages').find({ query: { channel_id: channelId, $limit: 100 } })
        assert.ok(page.data.some((message) => message.id === kept.id && message.content === 'kept'))
        const tombstone = page.data.find((message) => message.id === deleted.id)
        assert.ok(tombstone, 'the deleted message keeps its place in the history')
        assert.strictEqual(tombstone.is_deleted, true)
        assert.ok(!('content' in tombstone), JSON.stringify(tombstone))
      }
      const everything = await outsideAdminClient
        .service('messages')
        .find({ query: { channel_id: channelId, $withDeleted: true, $limit: 100 } })
      const found = everything.data.find((message) => message.id === deleted.id)
      assert.ok(found, 'the admin sees the deleted message')
      assert.strictEqual(found!.is_deleted, true)
      assert.strictEqual(found!.content, 'deleted')
      assert.ok(everything.data.some((message) => message.id === kept.id))

      const asParticipantAdmin = await participantAdminClient
        .service('messages')
        .find({ query: { channel_id: channelId, $withDeleted: true, $limit: 100 } })
      assert.ok(asParticipantAdmin.data.some((message) => message.id === deleted.id))
    })

    it('refuses a remove by a participant who is neither the sender nor an admin with 403', async () => {
      const sent = await send('mine, not yours')
      const removals = recordEvents(worker, 'messages', 'removed')
      await rejectsWithCode(supervisor.service('messages').remove(sent.id), 403)
      const still = await worker.service('messages').get(sent.id)
      assert.strictEqual(still.is_deleted, false)
      assert.strictEqual(still.content, 'mine, not yours')
      const control = nextEvent(worker, 'messages', 'created', (m) => m.content === 'control')
      await send('control')
      await control
      await sleep(QUIET_MS)
      assert.ok(!removals.some((m) => m.id === sent.id))
    })

    it('gives the sender a REST remove result without the content', async () => {
      const token = await login(server.url, world.worker)
      const sent = await http<Message>(server.url, 'POST', '/messages', {
        token,
        body: { channel_id: channelId, content: 'over REST' }
      })
      assert.strictEqual(sent.status, 201)
      const removed = await http<Message>(server.url, 'DELETE', `/messages/${sent.body.id}`, { token })
      assert.strictEqual(removed.status, 200)
      assert.strictEqual(removed.body.id, sent.body.id)
      assert.strictEqual(removed.body.is_deleted, true)
      assert.ok(removed.body.deleted_at)
      assert.ok(!('content' in removed.body), removed.text)
      assert.ok(!removed.text.includes('over REST'))
      // Removing it again reveals nothing either
      const again = await http(server.url, 'DELETE', `/messages/${sent.body.id}`, { token })
      assert.ok(!again.text.includes('over REST'), again.text)
    })
  })
})
