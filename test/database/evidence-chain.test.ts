import assert from 'assert'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { useServer } from '../helpers/app'
import { testDatabaseUrl } from '../helpers/database'
import { buildAdmin, buildUser } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld, TestUser } from '../helpers/factories'
import { closeClients, socketClient } from '../helpers/clients'
import { runTool } from '../helpers/evidence'

/**
 * Each channel's messages and events form one hash chain in the database. A change
 * made behind the app's back, even by the tables' owner with the guards switched off,
 * is found by recomputing the chain, which names the entry that breaks.
 */
describe('the hash chain of a channel, in the live database', function () {
  this.timeout(120_000)

  const server = useServer()
  let owner: Knex
  let admin: TestUser

  before(async () => {
    owner = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
    admin = await buildAdmin(server.app)
  })
  after(async () => {
    closeClients()
    await owner.destroy()
  })

  const check = (channelId: number) => server.app.service('history-checks').get(channelId)

  /** A channel with five messages, the third one deleted by its sender. */
  async function channelWithHistory(): Promise<{ world: BookingWorld; channelId: number; ids: number[] }> {
    const { world, channelId } = await bookingChannel(server.app)
    const ids: number[] = []
    for (let i = 1; i <= 5; i++) {
      const sender = i % 2 ? world.worker : world.supervisor
      ids.push(
        (
          await server.app
            .service('messages')
            .create({ channel_id: channelId, content: `line ${i}` }, { user: sender })
        ).id
      )
    }
    await server.app.service('messages').remove(ids[2], { user: world.worker })
    return { world, channelId, ids }
  }

  /** Runs `statement` as the tables' owner with every trigger of `table` switched off, as a tamperer could. */
  async function tamper(table: string, statement: string, bindings: readonly Knex.RawBinding[]) {
    await owner.transaction(async (trx) => {
      await trx.raw(`alter table ${table} disable trigger user`)
      await trx.raw(statement, bindings)
      await trx.raw(`alter table ${table} enable trigger user`)
    })
  }

  const assertBrokenAt = async (channelId: number, entry: RegExp, reason?: RegExp) => {
    const result = await check(channelId)
    assert.strictEqual(result.valid, false, 'the check fails')
    const named = result.problems.find(
      (problem) => entry.test(problem.entry) && (!reason || reason.test(problem.reason))
    )
    assert.ok(named, `a problem names ${entry}: ${JSON.stringify(result.problems)}`)
    return result
  }

  it('chains messages and every event of the record, and the check holds', async () => {
    const { world, channelId, ids } = await channelWithHistory()
    // A person leaves, the channel freezes, an admin writes and deletes in the frozen channel, it reopens
    const newSupervisor = await buildUser(server.app)
    await server.app.service('bookings').patch(world.booking.id, { supervisor_id: newSupervisor.id })
    await server.app.service('bookings').patch(world.booking.id, { status: 'completed' })
    const note = await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'noted' }, { user: admin })
    await server.app.service('messages').remove(ids[0], { user: admin })
    await server.app.service('bookings').patch(world.booking.id, { status: 'in_progress' })

    const result = await check(channelId)
    assert.deepStrictEqual(result.problems, [])
    assert.strictEqual(result.valid, true)
    assert.strictEqual(result.messages, 6)
    assert.strictEqual(note.seq, 6)

    const events = await owner('chat_channel_events').where({ channel_id: channelId }).orderBy('event_seq')
    const kinds = events.map((event) => `${event.kind}:${event.after_seq}`)
    assert.deepStrictEqual(
      [events[0].kind, events[0].detail],
      ['channel.opened', `booking:${world.booking.id}`],
      'the first entry binds the channel to its booking'
    )
    assert.deepStrictEqual(
      kinds.slice(1, 7),
      Array(6).fill('participant.joined:0'),
      'the six people joined before any message'
    )
    assert.deepStrictEqual(kinds.slice(7), [
      'message.deleted:5',
      'participant.left:5',
      'participant.joined:5',
      'channel.frozen:5',
      'message.deleted:6',
      'channel.reopened:6'
    ])
    assert.deepStrictEqual(
      events.map((event) => event.event_seq),
      events.map((_, i) => i + 1)
    )
    const [firstDeletion, , , frozen, adminDeletion] = events.slice(7)
    assert.strictEqual(Number(firstDeletion.actor_id), world.worker.id)
    assert.strictEqual(Number(adminDeletion.actor_id), admin.id)
    assert.strictEqual(frozen.detail, 'completed')
    const channel = await owner('chat_channels').where({ id: channelId }).first()
    assert.strictEqual(channel.chain_head, events.at(-1).hash, 'the channel row carries the head')
  })

  it('records a channel opened for a booking already completed as frozen from its start', async () => {
    const { world, channelId } = await bookingChannel(server.app, { booking: { status: 'completed' } })
    const events = await owner('chat_channel_events').where({ channel_id: channelId }).orderBy('event_seq')
    assert.deepStrictEqual(
      events.slice(0, 2).map((event) => [event.kind, event.detail]),
      [
        ['channel.opened', `booking:${world.booking.id}`],
        ['channel.frozen', 'completed']
      ]
    )
    assert.deepStrictEqual(
      events.slice(2).map((event) => event.kind),
      Array(6).fill('participant.joined')
    )
    assert.deepStrictEqual((await check(channelId)).problems, [])
  })

  it('refuses to change or delete an event, and to rewrite a membership interval', async () => {
    const { channelId } = await channelWithHistory()
    const [event] = await owner('chat_channel_events').where({ channel_id: channelId }).limit(1)
    for (const statement of [
      owner('chat_channel_events').where({ id: event.id }).update({ detail: 'lender_admin' }),
      owner('chat_channel_events').where({ id: event.id }).delete(),
      owner('chat_participants')
        .where({ channel_id: channelId })
        .update({ joined_at: owner.raw(`joined_at - interval '1 day'`) }),
      owner('chat_messages')
        .where({ channel_id: channelId, seq: 1 })
        .update({ hash: '0'.repeat(64) })
    ]) {
      await assert.rejects(statement, (error: any) => error.hint === 'append-only', statement.toString())
    }
    assert.strictEqual((await check(channelId)).valid, true)
  })

  it('names a message whose words the owner rewrote with the guard switched off', async () => {
    const { channelId, ids } = await channelWithHistory()
    await tamper('chat_messages', 'update chat_messages set content = ? where id = ?', [
      'I never said that',
      ids[1]
    ])
    await assertBrokenAt(
      channelId,
      new RegExp(`^message seq 2 \\(id ${ids[1]}\\)$`),
      /does not match its hash/
    )
  })

  it('names a message deleted for good', async () => {
    const { channelId, ids } = await channelWithHistory()
    await tamper('chat_messages', 'delete from chat_messages where id = ?', [ids[3]])
    await assertBrokenAt(channelId, /^message seq 4$/, /missing/)
  })

  it('names the messages whose seq were swapped', async () => {
    const { channelId, ids } = await channelWithHistory()
    await tamper(
      'chat_messages',
      'update chat_messages set seq = case when id = ? then -2 else -1 end where id in (?, ?)',
      [ids[0], ids[0], ids[1]]
    )
    await tamper('chat_messages', 'update chat_messages set seq = -seq where id in (?, ?)', [ids[0], ids[1]])
    const result = await assertBrokenAt(channelId, new RegExp(`^message seq 1 \\(id ${ids[1]}\\)$`))
    assert.ok(
      result.problems.some((problem) => problem.entry === `message seq 2 (id ${ids[0]})`),
      JSON.stringify(result.problems)
    )
  })

  it('names a message back-dated', async () => {
    const { channelId, ids } = await channelWithHistory()
    await tamper(
      'chat_messages',
      `update chat_messages set created_at = created_at - interval '2 hours' where id = ?`,
      [ids[4]]
    )
    await assertBrokenAt(
      channelId,
      new RegExp(`^message seq 5 \\(id ${ids[4]}\\)$`),
      /does not match its hash/
    )
  })

  it('names a deletion back-dated, against the deletion its chain recorded', async () => {
    const { channelId, ids } = await channelWithHistory()
    await tamper(
      'chat_messages',
      `update chat_messages set deleted_at = deleted_at - interval '3 days' where id = ?`,
      [ids[2]]
    )
    await assertBrokenAt(
      channelId,
      new RegExp(`^message seq 3 \\(id ${ids[2]}\\)$`),
      /deleted_at .* differs from its chained deletion/
    )
  })

  it('names a removed event and a joining moved in time', async () => {
    const { channelId } = await channelWithHistory()
    const [, second] = await owner('chat_channel_events')
      .where({ channel_id: channelId })
      .orderBy('event_seq')
      .limit(2)
    await tamper('chat_channel_events', 'delete from chat_channel_events where id = ?', [second.id])
    await assertBrokenAt(channelId, /^event 2$/, /missing/)
    const participant = await owner('chat_participants')
      .where({ channel_id: channelId })
      .orderBy('id')
      .first()
    await tamper(
      'chat_participants',
      `update chat_participants set joined_at = joined_at + interval '1 day' where id = ?`,
      [participant.id]
    )
    await assertBrokenAt(
      channelId,
      new RegExp(`^participant ${participant.id} `),
      /matches no chained joining/
    )
  })

  it('keeps the chain valid and seq gap-free under 3 senders × 20 parallel sends', async () => {
    const { world, channelId } = await bookingChannel(server.app)
    const senders = await Promise.all(
      [world.worker, world.supervisor, world.lenderAdmin].map((person) => socketClient(server.url, person))
    )
    const sent = await Promise.all(
      senders.flatMap((client, s) =>
        Array.from({ length: 20 }, (_, i) =>
          client.service('messages').create({ channel_id: channelId, content: `sender ${s} #${i}` })
        )
      )
    )
    assert.deepStrictEqual(
      sent.map((message) => message.seq).sort((a, b) => a - b),
      Array.from({ length: 60 }, (_, i) => i + 1)
    )
    const rows = await owner('chat_messages')
      .where({ channel_id: channelId })
      .orderBy('seq')
      .select('created_at')
    rows
      .slice(1)
      .forEach((row, i) =>
        assert.ok(row.created_at >= rows[i].created_at, `created_at follows seq at ${i + 2}`)
      )
    const result = await check(channelId)
    assert.deepStrictEqual(result.problems, [])
    assert.strictEqual(result.messages, 60)
  })

  it('npm run verify-history checks a context’s channel: exit 0 when it holds, 1 naming the entry when not, 2 for no channel', async () => {
    const { world, channelId, ids } = await channelWithHistory()
    const holds = await runTool('verify-history', ['--context', `booking:${world.booking.id}`])
    assert.strictEqual(holds.code, 0, holds.stderr)
    assert.match(holds.stdout, new RegExp(`Chain valid: channel ${channelId}: 5 messages`))

    await tamper('chat_messages', 'update chat_messages set content = ? where id = ?', ['rewritten', ids[0]])
    const broken = await runTool('verify-history', ['--context', `booking:${world.booking.id}`])
    assert.strictEqual(broken.code, 1)
    assert.match(broken.stdout, /Chain BROKEN/)
    assert.match(broken.stdout, new RegExp(`message seq 1 \\(id ${ids[0]}\\): does not match its hash`))

    const unknown = await runTool('verify-history', ['--context', 'booking:987654321'])
    // 2: nothing was checked (the documented code for a channel that does not exist)
    assert.strictEqual(unknown.code, 2)
    assert.match(unknown.stderr, /No channel for booking 987654321/)
  })
})
