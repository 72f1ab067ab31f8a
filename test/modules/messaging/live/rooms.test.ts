import assert from 'assert'
import { useServer } from '../../../helpers/app'
import { addMember, buildAdmin, openBookingChannel } from '../../../helpers/factories'
import { login, nextEvent, recordEvents, sleep, socketClient } from '../../../helpers/clients'
import type { ClientApplication } from '../../../../src/client'
import { QUIET_MS, rejectsWithCode } from '../../../helpers/assertions'
import { bookingWorld, useBookingChannelWithClients } from '../../../helpers/fixtures'

describe('real-time delivery', () => {
  const server = useServer()

  describe('rooms', () => {
    const { world, channel, clients } = useBookingChannelWithClients(server, { connected: ['supervisor'] })

    const send = (content: string) =>
      clients.supervisor.service('messages').create({ channel_id: channel.id, content })
    const arrival = (client: ClientApplication, content: string) =>
      nextEvent(client, 'messages', 'created', (m) => m.channel_id === channel.id && m.content === content)

    /** A message sent and removed, and the worker's participant row patched, each seen by a participant. */
    async function sendRemoveAndPatch(
      worker: ClientApplication,
      content: string,
      patch: (sent: { seq: number }) => object
    ) {
      const control = arrival(worker, content)
      const sent = await send(content)
      await control
      const removedControl = nextEvent(worker, 'messages', 'removed', (m) => m.id === sent.id)
      await clients.supervisor.service('messages').remove(sent.id)
      await removedControl
      const [row] = (
        await worker
          .service('participants')
          .find({ query: { channel_id: channel.id, user_id: world.worker.id } })
      ).data
      const patchedControl = nextEvent(clients.supervisor, 'participants', 'patched', (p) => p.id === row.id)
      await worker.service('participants').patch(row.id, patch(sent))
      await patchedControl
    }

    it('delivers to every tab of a user', async () => {
      const tab1 = await socketClient(server.url, world.worker)
      const tab2 = await socketClient(server.url, world.worker)
      const at1 = arrival(tab1, 'to both tabs')
      const at2 = arrival(tab2, 'to both tabs')
      const sent = await send('to both tabs')
      assert.deepStrictEqual(await at1, sent)
      assert.deepStrictEqual(await at2, sent)

      const read1 = nextEvent(tab1, 'participants', 'patched', (p) => p.user_id === world.supervisor.id)
      const read2 = nextEvent(tab2, 'participants', 'patched', (p) => p.user_id === world.supervisor.id)
      const own = nextEvent(
        clients.supervisor,
        'participants',
        'patched',
        (p) => p.user_id === world.supervisor.id
      )
      const [row] = (
        await clients.supervisor
          .service('participants')
          .find({ query: { channel_id: channel.id, user_id: world.supervisor.id } })
      ).data
      await clients.supervisor
        .service('participants')
        .patch(row.id, { muted: true, last_read_seq: row.last_read_seq })
      // Both tabs hear it; whether the supervisor muted the channel is the supervisor's own business
      for (const heard of [await read1, await read2]) {
        assert.strictEqual(heard.id, row.id)
        assert.ok(!('muted' in heard), JSON.stringify(heard))
      }
      assert.strictEqual((await own).muted, true, 'its owner hears it whole')
    })

    it('stops delivering to a socket that logs out, while the user’s other tab still receives', async () => {
      const leaving = await socketClient(server.url, world.worker)
      const staying = await socketClient(server.url, world.worker)
      await arrivalCheck(leaving, 'before logout')

      await leaving.logout()
      const leavingSaw = recordEvents(leaving, 'messages', 'created')
      const control = arrival(staying, 'after logout')
      await send('after logout')
      await control
      await sleep(QUIET_MS)
      assert.deepStrictEqual(leavingSaw, [])
    })

    it('delivers again to a fresh connection that authenticates with the JWT', async () => {
      const first = await socketClient(server.url, world.worker)
      const accessToken = (await first.authentication.getAccessToken())!
      assert.ok(accessToken, 'the client holds its JWT')
      await first.logout()

      const fresh = await socketClient(server.url)
      const result = await fresh.authenticate({ strategy: 'jwt', accessToken })
      assert.strictEqual(result.user.id, world.worker.id)
      const arrives = arrival(fresh, 'after re-authentication')
      const sent = await send('after re-authentication')
      assert.deepStrictEqual(await arrives, sent)
    })

    it('delivers again to a logged-out socket that authenticates again', async () => {
      const tab = await socketClient(server.url, world.worker)
      const accessToken = await login(server.url, world.worker)
      await tab.logout()
      await tab.authenticate({ strategy: 'jwt', accessToken })
      const arrives = arrival(tab, 'welcome back')
      const sent = await send('welcome back')
      assert.deepStrictEqual(await arrives, sent)
    })

    it('sends nothing to a connected socket that has not authenticated', async () => {
      const anonymous = await socketClient(server.url)
      const sawMessages = recordEvents(anonymous, 'messages', 'created')
      const sawRemoved = recordEvents(anonymous, 'messages', 'removed')
      const sawPatched = recordEvents(anonymous, 'participants', 'patched')
      const worker = await socketClient(server.url, world.worker)

      await sendRemoveAndPatch(worker, 'not for strangers', (sent) => ({ last_read_seq: sent.seq }))
      await sleep(QUIET_MS)
      assert.deepStrictEqual(sawMessages, [])
      assert.deepStrictEqual(sawRemoved, [])
      assert.deepStrictEqual(sawPatched, [])
      await rejectsWithCode(anonymous.service('messages').find({ query: { channel_id: channel.id } }), 401)
    })

    it('sends an admin who is not a participant no events of the channel', async () => {
      const admin = await socketClient(server.url, await buildAdmin(server.app))
      const sawCreated = recordEvents(admin, 'messages', 'created')
      const sawRemoved = recordEvents(admin, 'messages', 'removed')
      const sawPatched = recordEvents(admin, 'participants', 'patched')
      const worker = await socketClient(server.url, world.worker)

      await sendRemoveAndPatch(worker, 'admins may read, not listen', () => ({ muted: true }))
      // Even a message the admin sends is confirmed by its result, not by an event
      const adminControl = arrival(worker, 'from the admin')
      await admin.service('messages').create({ channel_id: channel.id, content: 'from the admin' })
      await adminControl
      await sleep(QUIET_MS)
      assert.deepStrictEqual(sawCreated, [])
      assert.deepStrictEqual(sawRemoved, [])
      assert.deepStrictEqual(sawPatched, [])
      // ...while the admin can still read the channel on request
      const page = await admin.service('messages').find({ query: { channel_id: channel.id } })
      assert.ok(page.data.some((message) => message.content === 'from the admin'))
    })

    async function arrivalCheck(client: ClientApplication, content: string) {
      const arrives = arrival(client, content)
      const sent = await send(content)
      assert.deepStrictEqual(await arrives, sent)
    }
  })

  describe('a role change on an open connection', () => {
    it('stops sending deleted content to an admin demoted while connected, at once', async () => {
      const world = await bookingWorld(server.app)
      const admin = await buildAdmin(server.app)
      await addMember(server.app, world.lenderCompanyId, admin.id, 'manager')
      const channelId = (await openBookingChannel(server.app, world)).id
      const adminClient = await socketClient(server.url, admin)
      const worker = await socketClient(server.url, world.worker)

      const first = await worker
        .service('messages')
        .create({ channel_id: channelId, content: 'seen as admin' })
      const asAdmin = nextEvent(adminClient, 'messages', 'removed', (m) => m.id === first.id)
      await worker.service('messages').remove(first.id)
      assert.strictEqual((await asAdmin).content, 'seen as admin')

      await server.app.service('users').patch(admin.id, { role: 'user' })
      const second = await worker
        .service('messages')
        .create({ channel_id: channelId, content: 'not for a former admin' })
      const asUser = nextEvent(adminClient, 'messages', 'removed', (m) => m.id === second.id)
      await worker.service('messages').remove(second.id)
      const event = await asUser
      assert.ok(!('content' in event), JSON.stringify(event))
    })
  })
})
