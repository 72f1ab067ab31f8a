import assert from 'assert'
import type { Knex } from 'knex'
import { GeneralError } from '@feathersjs/errors'
import { useServer } from '../../../../helpers/app'
import { addMember, buildUser } from '../../../../helpers/factories'
import { anotherBookingChannel, bookingChannel } from '../../../../helpers/fixtures'
import { duringNextLockedRead, notFollowedLogs } from './follow-contexts'

describe('a channel that fails to follow its context', function () {
  this.timeout(60_000)

  const server = useServer()
  const db = (): Knex => server.app.get('postgresqlClient')
  const failTheRead = async () => {
    throw new GeneralError('the database went away')
  }
  const currentRoles = async (channelId: number) =>
    Object.fromEntries(
      (await db()('chat_participants').where({ channel_id: channelId }).whereNull('removed_at')).map(
        (row) => [Number(row.user_id), row.role]
      )
    )

  it('is logged with its context, does not fail the write, and the next change repairs it', async () => {
    const { world, channel } = await bookingChannel(server.app)
    const replacement = await buildUser(server.app)
    const injected = duringNextLockedRead(server.app, 'bookings', failTheRead)

    let patched: { supervisor_id: number } | undefined
    const logged = await notFollowedLogs(async () => {
      patched = await server.app
        .service('bookings')
        .patch(world.booking.id, { supervisor_id: replacement.id })
    })
    injected.disarm()

    assert.strictEqual(patched?.supervisor_id, replacement.id, 'the write succeeded')
    assert.deepStrictEqual(logged, [
      {
        event: 'contexts.booking.changed',
        booking_id: world.booking.id,
        // an internal call: the system acted
        actor_id: null,
        error: 'the database went away'
      }
    ])
    const before = await currentRoles(channel.id)
    assert.strictEqual(before[world.supervisor.id], 'supervisor', 'the channel did not follow')
    assert.strictEqual(before[replacement.id], undefined)

    await server.app.service('bookings').patch(world.booking.id, { status: 'in_progress' })
    const after = await currentRoles(channel.id)
    assert.strictEqual(after[replacement.id], 'supervisor', 'the next change repaired it')
    assert.strictEqual(after[world.supervisor.id], undefined)
  })

  it("does not keep a company's other channels from following a membership change", async () => {
    const { world, channel: failing } = await bookingChannel(server.app)
    // A later booking of the same companies: its channel is reconciled after the failing one
    const following = await anotherBookingChannel(server.app, world, { status: 'pending' })
    const newcomer = await buildUser(server.app)
    const injected = duringNextLockedRead(server.app, 'bookings', failTheRead, world.booking.id)

    const logged = await notFollowedLogs(() =>
      addMember(server.app, world.borrowerCompanyId, newcomer.id, 'manager')
    )
    injected.disarm()

    assert.strictEqual((await currentRoles(following.id))[newcomer.id], 'borrower_manager')
    assert.strictEqual((await currentRoles(failing.id))[newcomer.id], undefined)
    assert.deepStrictEqual(logged, [
      {
        event: 'identity.membership.changed',
        company_id: world.borrowerCompanyId,
        booking_id: world.booking.id,
        error: 'the database went away'
      }
    ])
  })
})
