import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildAdmin } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import type { BookingWorld } from '../../../../helpers/factories'
import { http, login, nextEvent, restClient, socketClient } from '../../../../helpers/clients'
import { rejectsWithCode } from '../../../../helpers/assertions'
import type { ChannelView, Participant } from '../../../../../src/client'

describe('marking a channel read without looking up one’s participant id', () => {
  const server = useServer()
  let world: BookingWorld
  let channelId: number
  let otherChannelId: number

  before(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
    otherChannelId = (await bookingChannel(server.app)).channelId
    for (const content of ['one', 'two', 'three']) {
      await server.app
        .service('messages')
        .create({ channel_id: channelId, content }, { user: world.supervisor })
    }
  })

  const ownRow = async (userId: number) =>
    (await server.app.service('participants').find({ query: { channel_id: channelId, user_id: userId } }))
      .data[0]

  it('moves the caller’s own read position with PATCH /participants?channel_id=…, and others get the receipt', async () => {
    const supervisor = await socketClient(server.url, world.supervisor)
    const receipt = nextEvent(supervisor, 'participants', 'patched', (p) => p.user_id === world.worker.id)
    const supervisorBefore = await ownRow(world.supervisor.id)
    const token = await login(server.url, world.worker)

    const marked = await http<Participant>(server.url, 'PATCH', `/participants?channel_id=${channelId}`, {
      token,
      body: { last_read_seq: 2 }
    })
    assert.strictEqual(marked.status, 200, marked.text)
    assert.strictEqual(marked.body.user_id, world.worker.id)
    assert.strictEqual(marked.body.last_read_seq, 2)
    assert.strictEqual((await receipt).last_read_seq, 2)
    assert.deepStrictEqual(await ownRow(world.supervisor.id), supervisorBefore, 'nobody else’s row moves')
    const view = await http<ChannelView>(server.url, 'GET', `/channels/${channelId}`, { token })
    assert.strictEqual(view.body.unread_count, 1)
  })

  it('does the same through the Feathers client over Socket.io and REST, never backwards', async () => {
    for (const client of [
      await socketClient(server.url, world.worker),
      await restClient(server.url, world.worker)
    ]) {
      const back = await client
        .service('participants')
        .patch(null, { last_read_seq: 1 }, { query: { channel_id: channelId } })
      assert.strictEqual(back.last_read_seq, 2, 'a patch that would move it back leaves it')
    }
    const worker = await socketClient(server.url, world.worker)
    const all = await worker
      .service('participants')
      .patch(null, { last_read_seq: 3 }, { query: { channel_id: channelId } })
    assert.strictEqual(all.last_read_seq, 3)
    assert.strictEqual((await worker.service('channels').get(channelId)).unread_count, 0)
  })

  it('refuses a channel the caller is not in (403), a missing channel_id (400) and an unknown channel for an admin (404)', async () => {
    const worker = await socketClient(server.url, world.worker)
    await rejectsWithCode(
      worker
        .service('participants')
        .patch(null, { last_read_seq: 1 }, { query: { channel_id: otherChannelId } }),
      403
    )
    await rejectsWithCode(worker.service('participants').patch(null, { last_read_seq: 1 }), 400)
    const token = await login(server.url, world.outsider)
    const outsider = await http(server.url, 'PATCH', `/participants?channel_id=${channelId}`, {
      token,
      body: { muted: true }
    })
    assert.strictEqual(outsider.status, 403)
    const unknown = await http(server.url, 'PATCH', '/participants?channel_id=999999999', {
      token,
      body: { muted: true }
    })
    assert.strictEqual(unknown.status, 403, 'outsiders learn nothing of whether a channel exists')
    const junk = await http(server.url, 'PATCH', '/participants?channel_id=abc', {
      token,
      body: { muted: true }
    })
    assert.strictEqual(junk.status, 400)

    const admin = await socketClient(server.url, await buildAdmin(server.app))
    await rejectsWithCode(
      admin.service('participants').patch(null, { muted: true }, { query: { channel_id: 999999999 } }),
      404
    )
    await rejectsWithCode(
      admin.service('participants').patch(null, { muted: true }, { query: { channel_id: channelId } }),
      403
    )
  })

  it('keeps a patch by id within the channel it names', async () => {
    const worker = await socketClient(server.url, world.worker)
    const row = await ownRow(world.worker.id)
    await rejectsWithCode(
      worker
        .service('participants')
        .patch(row.id, { muted: true }, { query: { channel_id: otherChannelId } }),
      404
    )
    const muted = await worker
      .service('participants')
      .patch(row.id, { muted: true }, { query: { channel_id: channelId } })
    assert.strictEqual(muted.muted, true)
  })
})
