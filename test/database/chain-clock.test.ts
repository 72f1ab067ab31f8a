import assert from 'assert'
import { useServer } from '../helpers/app'
import { buildAdmin, buildUser } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import { useRuntimeRole } from '../helpers/runtime-role'

/**
 * Who may be a sender, and when an entry happened, are the database's to say: times are
 * read from its clock under the channel's row lock, and the send checks the sender
 * against its own rows, for the role the app connects as.
 */
describe('the chain’s times and senders, decided by the database', function () {
  this.timeout(60_000)
  const server = useServer()
  const { owner, runtime } = useRuntimeRole()

  const check = (channelId: number) => server.app.service('history-checks').get(channelId)
  const send = (channelId: number, senderId: number, words: string) =>
    runtime
      .raw('select * from chat_send_message(?, ?, ?, null)', [channelId, senderId, words])
      .then((result) => result.rows)

  /** Every entry's time, in chain order: messages by seq, each followed by its events. */
  async function chainTimes(channelId: number): Promise<Array<{ entry: string; at: string }>> {
    const { rows } = await owner.raw(
      `select entry, chat_chain_time(at) as at from (
        select 'message ' || seq as entry, seq as after_seq, 0 as event_seq, created_at as at
          from chat_messages where channel_id = :channel
        union all
        select 'event ' || event_seq || ' ' || kind, after_seq, event_seq, created_at
          from chat_channel_events where channel_id = :channel) e
      order by after_seq, event_seq`,
      { channel: channelId }
    )
    return rows
  }
  const assertTimesNeverGoBack = (times: Array<{ entry: string; at: string }>) =>
    times.slice(1).forEach((time, i) => {
      assert.ok(
        time.at >= times[i].at,
        `${time.entry} at ${time.at} is after ${times[i].entry} at ${times[i].at}`
      )
    })

  it('stamps a deletion and a leave from a transaction begun earlier after the entries chained before them', async () => {
    const { world, channelId } = await bookingChannel(server.app)
    const first = await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'first' }, { user: world.worker })
    const trx = await runtime.transaction()
    try {
      // The transaction's own time (now()) is fixed here, before the next message is sent
      await trx.raw('select now()')
      await server.app
        .service('messages')
        .create({ channel_id: channelId, content: 'second' }, { user: world.supervisor })
      await trx('chat_messages')
        .where({ id: first.id })
        .update({ is_deleted: true, deleted_at: trx.fn.now(), deleted_by: world.worker.id })
      await trx('chat_participants')
        .where({ channel_id: channelId, user_id: world.supervisor.id })
        .update({ removed_at: trx.fn.now() })
      await trx.commit()
    } catch (error) {
      await trx.rollback()
      throw error
    }
    const times = await chainTimes(channelId)
    assert.deepStrictEqual(
      times.slice(-3).map((time) => time.entry),
      ['message 2', 'event 8 message.deleted', 'event 9 participant.left']
    )
    assertTimesNeverGoBack(times)
    assert.deepStrictEqual((await check(channelId)).problems, [])
  })

  it('lets only a current participant of an active channel, or an admin, be a sender', async () => {
    const admin = await buildAdmin(server.app)
    const { world, channelId } = await bookingChannel(server.app)
    const formerSupervisor = world.supervisor
    await server.app
      .service('bookings')
      .patch(world.booking.id, { supervisor_id: (await buildUser(server.app)).id })

    assert.strictEqual((await send(channelId, world.worker.id, 'a participant')).length, 1)
    assert.deepStrictEqual(await send(channelId, world.outsider.id, 'an outsider'), [])
    assert.deepStrictEqual(await send(channelId, formerSupervisor.id, 'a person who left'), [])

    await server.app.service('bookings').patch(world.booking.id, { status: 'completed' })
    assert.deepStrictEqual(await send(channelId, world.worker.id, 'after the freeze'), [])
    const [byAdmin] = await send(channelId, admin.id, 'an admin, frozen or not')
    assert.strictEqual(Number(byAdmin.seq), 2)

    const senders = await owner('chat_messages')
      .where({ channel_id: channelId })
      .orderBy('seq')
      .pluck('sender_id')
    assert.deepStrictEqual(senders.map(Number), [world.worker.id, admin.id])
    assertTimesNeverGoBack(await chainTimes(channelId))
    assert.deepStrictEqual((await check(channelId)).problems, [])
  })
})
