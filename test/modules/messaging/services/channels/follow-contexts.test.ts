import assert from 'assert'
import type { Knex } from 'knex'
import { useServer } from '../../../../helpers/app'
import { addMember, buildUser, openBookingChannel } from '../../../../helpers/factories'
import { bookingWorld, bookingChannel } from '../../../../helpers/fixtures'
import type { BookingWorld } from '../../../../helpers/factories'
import { closeClients, waitUntil } from '../../../../helpers/clients'
import type { DomainEventMap } from '../../../../../src/events'
import { crowdHelpers, sortedNumbers } from '../../concurrency/crowd'
import { duringNextLockedRead } from './follow-contexts'

type ParticipantsChanged = DomainEventMap['chat.participants.changed']

describe('channels follow their contexts through the events contexts and identity emit', function () {
  this.timeout(60_000)

  const server = useServer()
  const db = (): Knex => server.app.get('postgresqlClient')
  const { crowdedBooking, connectAll, channelRows } = crowdHelpers(server)
  afterEach(() => closeClients())

  /**
   * Counts, while `during` runs, the reads of who works at the booking's two companies:
   * every reconciliation of a booking's channel reads them once, and nothing else does.
   */
  async function membershipReads(world: BookingWorld, during: () => Promise<unknown>) {
    const companies = [world.borrowerCompanyId, world.lenderCompanyId]
    let reads = 0
    const count = ({ sql, bindings }: { sql: string; bindings?: unknown[] }) => {
      const ids = (bindings ?? []).map(Number)
      if (/from "company_members"/.test(sql) && companies.every((id) => ids.includes(id))) reads++
    }
    db().on('query', count)
    try {
      await during()
    } finally {
      db().off('query', count)
    }
    return reads
  }

  /** The participant changes announced for a channel (by context) while `during` runs. */
  async function announcedChanges(during: () => Promise<unknown>) {
    const heard: ParticipantsChanged[] = []
    const stop = server.app.get('events').on('chat.participants.changed', (change) => heard.push(change))
    try {
      await during()
    } finally {
      stop()
    }
    return heard
  }

  it('reconciles a booking channel once when a booking patch replaces the supervisor', async () => {
    const { world, channel } = await bookingChannel(server.app)
    const replacement = await buildUser(server.app)

    let heard: ParticipantsChanged[] = []
    const reads = await membershipReads(world, async () => {
      heard = await announcedChanges(() =>
        server.app.service('bookings').patch(world.booking.id, { supervisor_id: replacement.id })
      )
    })

    assert.strictEqual(reads, 1, 'the context was read once')
    const ofChannel = heard.filter((change) => change.channel_id === channel.id)
    assert.strictEqual(ofChannel.length, 1, 'one change was announced')
    assert.deepStrictEqual(
      ofChannel[0].added.map((ref) => [ref.user_id, ref.role]),
      [[replacement.id, 'supervisor']]
    )
    assert.deepStrictEqual(
      ofChannel[0].removed.map((ref) => ref.user_id),
      [world.supervisor.id]
    )
  })

  it('opens a context’s channel once for 10 parallel first messages over Socket.io: one channel, one reconciliation, every message in it', async () => {
    const { world, people } = await crowdedBooking()
    const clients = await connectAll(people)

    let sent: { channel_id: number; seq: number }[] = []
    let heard: ParticipantsChanged[] = []
    const reads = await membershipReads(world, async () => {
      heard = await announcedChanges(async () => {
        sent = await Promise.all(
          clients.map((client, i) =>
            client
              .service('messages')
              .create({ context_type: 'booking', context_id: world.booking.id, content: `first ${i}` })
          )
        )
      })
    })

    const channels = await channelRows(world.booking.id)
    assert.strictEqual(channels.length, 1, 'one channel')
    assert.ok(
      sent.every((message) => message.channel_id === channels[0].id),
      'every message in it'
    )
    assert.strictEqual(reads, 1, 'the context was read once, by the opening')
    const ofChannel = heard.filter((change) => change.channel_id === channels[0].id)
    assert.strictEqual(ofChannel.length, 1, 'the participants were announced once')
    assert.deepStrictEqual(
      sortedNumbers(ofChannel[0].added.map((ref) => ref.user_id)),
      sortedNumbers(people.map((person) => person.id))
    )
  })

  it('does not lose a supervisor change that commits while the channel is being opened', async () => {
    const world = await bookingWorld(server.app)
    const replacement = await buildUser(server.app)
    let patched: Promise<unknown> = Promise.resolve()
    // The opening has read the booking; the change commits before the channel does
    duringNextLockedRead(server.app, 'bookings', async () => {
      patched = server.app.service('bookings').patch(world.booking.id, { supervisor_id: replacement.id })
      await waitUntil(
        async () =>
          (await db()('bookings').where({ id: world.booking.id }).first('supervisor_id')).supervisor_id ===
          replacement.id,
        'the patch committed'
      )
    })

    const channel = await openBookingChannel(server.app, world)
    await patched

    const current = await db()('chat_participants').where({ channel_id: channel.id }).whereNull('removed_at')
    const roles = Object.fromEntries(current.map((row) => [Number(row.user_id), row.role]))
    assert.strictEqual(roles[replacement.id], 'supervisor')
    assert.strictEqual(roles[world.supervisor.id], undefined)
  })

  it('does not lose a company member who joins while the channel is being opened', async () => {
    const world = await bookingWorld(server.app)
    const newcomer = await buildUser(server.app)
    let joined: Promise<unknown> = Promise.resolve()
    // The opening has read who works at the companies; the newcomer commits before the channel does
    duringNextLockedRead(server.app, 'company-members', async () => {
      joined = addMember(server.app, world.borrowerCompanyId, newcomer.id, 'manager')
      await waitUntil(
        async () => Boolean(await db()('company_members').where({ user_id: newcomer.id }).first()),
        'the membership committed'
      )
    })

    const channel = await openBookingChannel(server.app, world)
    await joined

    const row = await db()('chat_participants')
      .where({ channel_id: channel.id, user_id: newcomer.id })
      .whereNull('removed_at')
      .first()
    assert.strictEqual(row?.role, 'borrower_manager')
  })
})
