import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { statementsDuring } from '../../../../helpers/database'
import { notificationSettings } from '../../../../helpers/notifications'
import { buildAdmin, buildDispute } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import type { BookingWorld } from '../../../../helpers/factories'
import { http, login, nextEvent, socketClient } from '../../../../helpers/clients'
import type { ChannelPage, ChannelView } from '../../../../../src/client'

const MAX_FIND_STATEMENTS = 6

describe('channels as an app draws them', () => {
  // The delivery worker's polls are not part of a call: counted, they made a statement count depend on timing
  const server = useServer({ notifications: notificationSettings() })
  let world: BookingWorld
  let other: BookingWorld
  let channelId: number
  let otherChannelId: number
  let names: { borrower: string; lender: string }
  let dispute: { id: number; channelId: number }

  before(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
    ;({ world: other, channelId: otherChannelId } = await bookingChannel(server.app))
    const companyName = async (id: number) => (await server.app.service('companies').get(id)).name
    names = {
      borrower: await companyName(world.borrowerCompanyId),
      lender: await companyName(world.lenderCompanyId)
    }
    await server.app
      .service('messages')
      .create({ channel_id: otherChannelId, content: 'secret of the other booking' }, { user: other.worker })
    const { id } = await buildDispute(server.app, world.booking.id, [world.worker.id, world.lenderAdmin.id])
    const opened = await server.app
      .service('channels')
      .create({ context_type: 'dispute', context_id: id }, { user: world.worker })
    dispute = { id, channelId: opened.id }
  })

  const ownParticipantId = async (userId: number, inChannel = channelId) =>
    (await server.app.service('participants').find({ query: { channel_id: inChannel, user_id: userId } }))
      .data[0].id

  it('titles and summarises a booking channel, with the caller’s participant id and no last message yet, over REST', async () => {
    const token = await login(server.url, world.supervisor)
    const { status, body } = await http<ChannelView>(server.url, 'GET', `/channels/${channelId}`, { token })
    assert.strictEqual(status, 200)
    assert.strictEqual(body.title, `Booking #${world.booking.id} · ${names.borrower} ↔ ${names.lender}`)
    assert.deepStrictEqual(body.summary, {
      borrower: { id: world.borrowerCompanyId, name: names.borrower },
      lender: { id: world.lenderCompanyId, name: names.lender },
      status: 'confirmed'
    })
    assert.strictEqual(body.participant_id, await ownParticipantId(world.supervisor.id))
    assert.strictEqual(body.last_message, null)
  })

  it('previews the last message with its sender over Socket.io, and a deleted one without its words', async () => {
    const supervisor = await socketClient(server.url, world.supervisor)
    const worker = await socketClient(server.url, world.worker)
    const sent = await worker.service('messages').create({ channel_id: channelId, content: 'On my way' })
    const [view] = (
      await supervisor
        .service('channels')
        .find({ query: { context_type: 'booking', context_id: world.booking.id } })
    ).data
    assert.deepStrictEqual(view.last_message, {
      id: sent.id,
      seq: sent.seq,
      sender: { id: world.worker.id, name: world.worker.name },
      content: 'On my way',
      created_at: sent.created_at
    })

    await worker.service('messages').remove(sent.id)
    const token = await login(server.url, world.supervisor)
    const afterDelete = await http<
      ChannelView & { last_message: Extract<ChannelView['last_message'], { is_deleted: true }> }
    >(server.url, 'GET', `/channels/${channelId}`, { token })
    assert.deepStrictEqual(Object.keys(afterDelete.body.last_message).sort(), [
      'deleted_at',
      'id',
      'is_deleted',
      'seq'
    ])
    assert.strictEqual(afterDelete.body.last_message.is_deleted, true)
    assert.ok(!afterDelete.text.includes('On my way'), afterDelete.text)
  })

  it('titles a dispute channel from its booking’s companies, with the dispute’s status', async () => {
    const lenderAdmin = await socketClient(server.url, world.lenderAdmin)
    const view = await lenderAdmin.service('channels').get(dispute.channelId)
    assert.strictEqual(view.title, `Dispute #${dispute.id} · ${names.borrower} ↔ ${names.lender}`)
    assert.strictEqual(view.summary?.status, 'open')
    assert.strictEqual(view.participant_id, await ownParticipantId(world.lenderAdmin.id, dispute.channelId))
  })

  it('answers total_unread over every matching channel, also for a page of none', async () => {
    const manager = await socketClient(server.url, world.lenderManager)
    await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'one' }, { user: world.supervisor })
    await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'two' }, { user: world.supervisor })
    const page = await manager.service('channels').find({ query: { $limit: 1 } })
    const expected = (await manager.service('channels').find({ query: { $limit: 100 } })).data.reduce(
      (sum, view) => sum + view.unread_count,
      0
    )
    assert.ok(expected >= 2, `unread ${expected}`)
    assert.strictEqual(page.total_unread, expected)
    const badge = await manager.service('channels').find({ query: { $limit: 0 } })
    assert.deepStrictEqual([badge.data.length, badge.total_unread], [0, expected])

    await manager
      .service('participants')
      .patch(null, { last_read_seq: 1_000_000 }, { query: { channel_id: channelId } })
    assert.strictEqual((await manager.service('channels').find({ query: { $limit: 0 } })).total_unread, 0)
  })

  it('never shows anyone another channel’s title or last message', async () => {
    const token = await login(server.url, world.worker)
    const listed = await http<ChannelPage>(server.url, 'GET', '/channels?$limit=100', { token })
    assert.ok(listed.body.data.length > 0)
    assert.ok(!listed.body.data.some((view) => view.id === otherChannelId))
    assert.ok(!listed.text.includes('secret of the other booking'), listed.text)
    assert.ok(!listed.text.includes(`Booking #${other.booking.id} `), listed.text)
    const refused = await http(server.url, 'GET', `/channels/${otherChannelId}`, { token })
    assert.strictEqual(refused.status, 403)
    assert.ok(!refused.text.includes('secret') && !refused.text.includes('Booking #'), refused.text)

    const outsider = await http<ChannelPage>(server.url, 'GET', '/channels', {
      token: await login(server.url, world.outsider)
    })
    assert.deepStrictEqual([outsider.body.total, outsider.body.total_unread, outsider.body.data], [0, 0, []])
  })

  it('gives an admin who is not a participant every title, with no participant id and nothing unread', async () => {
    const admin = await socketClient(server.url, await buildAdmin(server.app))
    const view = await admin.service('channels').get(otherChannelId)
    assert.strictEqual(view.participant_id, null)
    assert.strictEqual(view.unread_count, 0)
    assert.strictEqual(
      view.last_message && 'content' in view.last_message && view.last_message.content,
      'secret of the other booking'
    )
  })

  it('still lists a channel whose context record cannot be read, titled by its kind and id', async () => {
    // An id of this test's own: other tests count on booking 987654321 having no channel
    const [row] = await server.app
      .get('postgresqlClient')('chat_channels')
      .insert({ context_type: 'booking', context_id: 876_543_210 })
      .returning('id')
    const admin = await socketClient(server.url, await buildAdmin(server.app))
    const view = await admin.service('channels').get(row.id)
    assert.deepStrictEqual([view.title, view.summary], ['Booking #876543210', null])
  })

  it('sends a person who joins a channel its title in channels created', async () => {
    const { world: fresh, channel: freshChannel } = await bookingChannel(server.app)
    const joiner = await socketClient(server.url, world.outsider)
    const created = nextEvent(joiner, 'channels', 'created', (view) => view.id === freshChannel.id)
    await server.app.service('bookings').patch(fresh.booking.id, { supervisor_id: world.outsider.id })
    const view = await created
    assert.ok(view.title.startsWith(`Booking #${fresh.booking.id} · `), view.title)
    assert.strictEqual(view.participant_id, await ownParticipantId(world.outsider.id, freshChannel.id))
  })

  it('lists channels of a booking and a dispute in a bounded number of statements', async () => {
    // In the booking's channel and its dispute's
    const lenderAdmin = await socketClient(server.url, world.lenderAdmin)
    const { result: all, statements: seen } = await statementsDuring(server.app, () =>
      lenderAdmin.service('channels').find({})
    )
    assert.deepStrictEqual(all.data.map((view) => view.context_type).sort(), ['booking', 'dispute'])
    assert.ok(
      seen.length <= MAX_FIND_STATEMENTS,
      `at most ${MAX_FIND_STATEMENTS} statements: ${JSON.stringify(seen)}`
    )
  })
})
