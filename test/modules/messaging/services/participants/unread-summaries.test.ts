import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildUser } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'

describe('participants: unread summaries for notifications', function () {
  this.timeout(60_000)
  const server = useServer()

  it('counts, picks the newest and names the senders of the newest hundred from one read of the unread messages', async () => {
    const db = server.app.get('postgresqlClient')
    const { world, channel } = await bookingChannel(server.app)
    const outsider = await buildUser(server.app)
    const { supervisor, worker, borrowerManager, lenderManager } = world
    // Written straight in SQL: 107 messages through the service would take minutes on a busy machine
    const senders = [
      supervisor.id, // 1: the supervisor's own
      ...Array(3).fill(borrowerManager.id), // 2–4
      ...Array(2).fill(lenderManager.id), // 5–6
      ...Array(100).fill(worker.id), // 7–106: the newest hundred the supervisor has not read
      lenderManager.id // 107: deleted below
    ]
    const ids: number[] = []
    for (const [i, sender_id] of senders.entries()) {
      const [row] = await db('chat_messages')
        .insert({ channel_id: channel.id, seq: i + 1, sender_id, content: `message ${i + 1}` })
        .returning('id')
      ids.push(Number(row.id))
    }
    await db('chat_messages')
      .where({ id: ids[106] })
      .update({ is_deleted: true, deleted_by: lenderManager.id })
    await db('chat_participants')
      .where({ channel_id: channel.id, user_id: supervisor.id })
      .update({ last_read_seq: 1 })

    const pair = (user_id: number, message_id: number) => ({ user_id, channel_id: channel.id, message_id })
    const summaries = await server.app
      .service('participants')
      .unreadAmong([pair(supervisor.id, ids[105]), pair(worker.id, ids[5]), pair(outsider.id, ids[106])])
    const of = (userId: number) => summaries.find((summary) => summary.user_id === userId)!

    // Everything after the read position but their own and the deleted one; only the worker among the newest hundred
    assert.deepStrictEqual(
      [of(supervisor.id).unread, of(supervisor.id).newest, of(supervisor.id).senders],
      [105, { id: ids[105], seq: 106, sender_id: worker.id }, 1]
    )
    assert.deepStrictEqual(of(supervisor.id).participant, { last_read_seq: 1, muted: false })
    // The worker's own hundred are not theirs to read: six from three people, the newest from the lender's manager
    assert.deepStrictEqual(
      [of(worker.id).unread, of(worker.id).newest, of(worker.id).senders],
      [6, { id: ids[5], seq: 6, sender_id: lenderManager.id }, 3]
    )
    // Not a participant: nothing counted; the planned message shows as deleted
    assert.deepStrictEqual(
      [of(outsider.id).participant, of(outsider.id).unread, of(outsider.id).newest, of(outsider.id).planned],
      [null, 0, null, { is_deleted: true, seq: 107 }]
    )
  })
})
