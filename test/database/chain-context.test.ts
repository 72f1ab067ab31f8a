import assert from 'assert'
import { useServer } from '../helpers/app'
import { useOwnerConnection } from '../helpers/runtime-role'
import { buildAdmin, buildUser } from '../helpers/factories'
import { bookingChannel, bookingWorld } from '../helpers/fixtures'

/**
 * A channel's chain says which booking or dispute it belongs to, from its first entry,
 * and who caused each change of its people and status.
 */
describe('the chain binds its context and names who acted', function () {
  this.timeout(60_000)
  const server = useServer()
  const owner = useOwnerConnection()

  const check = (channelId: number) => server.app.service('history-checks').get(channelId)
  const eventsOf = (channelId: number) =>
    owner('chat_channel_events').where({ channel_id: channelId }).orderBy('event_seq')

  it('opens a channel with an entry naming its context, and names a channel moved to another booking', async () => {
    const { world, channelId } = await bookingChannel(server.app)
    const other = await bookingWorld(server.app)
    const [first] = await eventsOf(channelId)
    assert.deepStrictEqual(
      [first.event_seq, first.after_seq, first.kind, first.detail],
      [1, 0, 'channel.opened', `booking:${world.booking.id}`]
    )
    assert.deepStrictEqual((await check(channelId)).problems, [])

    // The owner, guards off, moves the channel: every link still holds, the binding does not
    await owner.transaction(async (trx) => {
      await trx.raw('alter table chat_channels disable trigger user')
      await trx('chat_channels').where({ id: channelId }).update({ context_id: other.booking.id })
      await trx.raw('alter table chat_channels enable trigger user')
    })
    const result = await check(channelId)
    assert.strictEqual(result.valid, false)
    assert.deepStrictEqual(result.problems, [
      {
        entry: `event 1 (channel.opened, id ${first.id})`,
        reason: `names context booking:${world.booking.id}, not the channel's booking:${other.booking.id}`
      }
    ])
  })

  it('names who patched the booking on the membership and status events it caused, and the system otherwise', async () => {
    const admin = await buildAdmin(server.app)
    const { world, channelId } = await bookingChannel(server.app)
    const opened = (await eventsOf(channelId)).length
    const bookings = server.app.service('bookings')
    // As an admin's call reaches the hooks (the bookings' params type names no user)
    const byAdmin = { user: admin } as Parameters<typeof bookings.patch>[2]
    await bookings.patch(world.booking.id, { supervisor_id: (await buildUser(server.app)).id }, byAdmin)
    await bookings.patch(world.booking.id, { status: 'completed' }, byAdmin)
    // Without a person (admin tooling, a worker): the system, whatever the connection did before
    await bookings.patch(world.booking.id, { status: 'in_progress' })

    const events = (await eventsOf(channelId)).slice(opened)
    assert.deepStrictEqual(
      events.map((event) => [event.kind, event.actor_id === null ? null : Number(event.actor_id)]),
      [
        ['participant.left', admin.id],
        ['participant.joined', admin.id],
        ['channel.frozen', admin.id],
        ['channel.reopened', null]
      ]
    )
    const opening = await eventsOf(channelId)
    assert.ok(
      opening.slice(0, opened).every((event) => event.actor_id === null),
      'opening the channel is the system’s'
    )
    assert.deepStrictEqual((await check(channelId)).problems, [])
  })
})
