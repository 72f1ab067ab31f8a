import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import type { TestServer } from '../../../../helpers/app'
import { addMember, buildUser, openBookingChannel } from '../../../../helpers/factories'
import { bookingWorld } from '../../../../helpers/fixtures'
import type { BookingWorld } from '../../../../helpers/factories'
import { restClient, socketClient } from '../../../../helpers/clients'
import { notificationsOf } from '../../../../../src/modules/notifications'
import { notificationSettings } from '../../../../helpers/notifications'
import { statementsDuring } from '../../../../helpers/database'

const EXTRA_MANAGERS = 30
const MAX_STATEMENTS_PER_SEND = 6

/** The SQL of every statement the app's knex client runs while `work` is under way. */
async function recordQueries<T>(
  server: TestServer,
  work: () => Promise<T>
): Promise<{ result: T; queries: string[] }> {
  // Notification planning runs after a send, in its own module: let earlier sends' finish first
  await notificationsOf(server.app).planner.settled()
  const { result, statements } = await statementsDuring(server.app, work)
  return { result, queries: statements }
}

const readsUsers = (sql: string) => /\busers\b/i.test(sql)

describe('the send path (hot path)', () => {
  // The delivery worker's polls are not part of a send: counted, they made the figure depend on timing
  const server = useServer({ notifications: notificationSettings() })
  let small: BookingWorld
  let large: BookingWorld
  let smallChannelId: number
  let largeChannelId: number

  before(async () => {
    const { app } = server
    small = await bookingWorld(app)
    large = await bookingWorld(app)
    const managers = await Promise.all(Array.from({ length: EXTRA_MANAGERS }, () => buildUser(app)))
    for (const manager of managers) await addMember(app, large.borrowerCompanyId, manager.id, 'manager')
    smallChannelId = (await openBookingChannel(app, small)).id
    largeChannelId = (await openBookingChannel(app, large)).id

    const smallParticipants = await app
      .service('participants')
      .find({ query: { channel_id: smallChannelId } })
    const largeParticipants = await app
      .service('participants')
      .find({ query: { channel_id: largeChannelId } })
    assert.strictEqual(smallParticipants.total, 6)
    assert.strictEqual(largeParticipants.total, 6 + EXTRA_MANAGERS)
  })

  it('runs the same small number of statements whatever the number of participants', async () => {
    const { app } = server
    // Warm up both channels once, so that neither measurement pays for a first use
    await app
      .service('messages')
      .create({ channel_id: smallChannelId, content: 'warm-up' }, { user: small.worker })
    await app
      .service('messages')
      .create({ channel_id: largeChannelId, content: 'warm-up' }, { user: large.worker })

    const inSmall = await recordQueries(server, () =>
      app
        .service('messages')
        .create({ channel_id: smallChannelId, content: 'hello, six of you' }, { user: small.worker })
    )
    const inLarge = await recordQueries(server, () =>
      app
        .service('messages')
        .create({ channel_id: largeChannelId, content: 'hello, thirty-six of you' }, { user: large.worker })
    )
    assert.strictEqual(inSmall.result.seq, 2)
    assert.strictEqual(inLarge.result.seq, 2)

    assert.ok(inSmall.queries.length > 0, 'the listener sees the send’s statements')
    assert.strictEqual(
      inLarge.queries.length,
      inSmall.queries.length,
      `6 participants: ${JSON.stringify(inSmall.queries)}\n36 participants: ${JSON.stringify(inLarge.queries)}`
    )
    assert.ok(
      inSmall.queries.length <= MAX_STATEMENTS_PER_SEND,
      `at most ${MAX_STATEMENTS_PER_SEND} statements per send, got ${JSON.stringify(inSmall.queries)}`
    )
  })

  it('does not read the users table on a socket send once the connection is logged in', async () => {
    const worker = await socketClient(server.url, large.worker)
    // The first call after login may load the user into the cache
    await worker.service('messages').create({ channel_id: largeChannelId, content: 'first over the socket' })

    const second = await recordQueries(server, () =>
      worker.service('messages').create({ channel_id: largeChannelId, content: 'second over the socket' })
    )
    assert.strictEqual(second.result.sender_id, large.worker.id)
    assert.strictEqual(second.result.content, 'second over the socket')
    assert.ok(second.queries.length > 0, 'the listener sees the send’s statements')
    assert.deepStrictEqual(
      second.queries.filter(readsUsers),
      [],
      `statements: ${JSON.stringify(second.queries)}`
    )
    assert.ok(
      second.queries.length <= MAX_STATEMENTS_PER_SEND,
      `at most ${MAX_STATEMENTS_PER_SEND} statements per socket send, got ${JSON.stringify(second.queries)}`
    )
  })

  it('does not read the users table on a REST send with a token already seen', async () => {
    const worker = await restClient(server.url, small.worker)
    await worker.service('messages').create({ channel_id: smallChannelId, content: 'first over REST' })

    const second = await recordQueries(server, () =>
      worker.service('messages').create({ channel_id: smallChannelId, content: 'second over REST' })
    )
    assert.strictEqual(second.result.sender_id, small.worker.id)
    assert.ok(second.queries.length > 0, 'the listener sees the send’s statements')
    assert.deepStrictEqual(
      second.queries.filter(readsUsers),
      [],
      `statements: ${JSON.stringify(second.queries)}`
    )
  })
})
