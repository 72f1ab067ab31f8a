import assert from 'assert'
import type { Knex } from 'knex'
import { useServer } from '../helpers/app'
import { useRuntimeRole } from '../helpers/runtime-role'
import { runTool } from '../helpers/evidence'
import { buildAdmin } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld, TestUser } from '../helpers/factories'
import { readChannelRecord } from '../../src/modules/messaging/evidence/record'
import type { ChannelRecord } from '../../src/modules/messaging/evidence/record'
import { verifyChain } from '../../src/modules/messaging/evidence/chain'
import {
  eventEncoding,
  inChainOrder,
  link,
  messageEncoding
} from '../../src/modules/messaging/evidence/chain-encoding'
import { transcriptHtml } from '../../src/modules/messaging/evidence/html'

/**
 * A person renamed after they wrote must not change what the record says they were
 * called: the name is read by the database from the users row when the entry is chained,
 * stored with it and hashed with it, so a new export shows it under the same head.
 */
describe('names as they were when each entry was chained', function () {
  this.timeout(120_000)
  const server = useServer()
  const { owner, runtime } = useRuntimeRole()

  const send = (channelId: number, user: TestUser, content: string) =>
    server.app.service('messages').create({ channel_id: channelId, content }, { user })
  const rename = (user: TestUser, name: string) => server.app.service('users').patch(user.id, { name })
  const check = (channelId: number) => server.app.service('history-checks').get(channelId)

  async function channelOf(): Promise<{ world: BookingWorld; channelId: number }> {
    const { world, channelId } = await bookingChannel(server.app)
    return { world, channelId }
  }

  /** Runs `statement` as the tables' owner with every trigger of `table` switched off, as a tamperer could. */
  async function tamper(table: string, statement: string, bindings: readonly Knex.RawBinding[]) {
    await owner.transaction(async (trx) => {
      await trx.raw(`alter table ${table} disable trigger user`)
      await trx.raw(statement, bindings)
      await trx.raw(`alter table ${table} enable trigger user`)
    })
  }

  it('keeps a renamed sender’s old messages, and the lines about him, under his old name, with the same head', async () => {
    const { world, channelId } = await channelOf()
    const admin = await buildAdmin(server.app)
    const [then, adminThen] = [world.worker.name, admin.name]
    const early = await send(channelId, world.worker, 'I will be there at 8')
    const regret = await send(channelId, world.worker, 'or 9')
    await server.app.service('messages').remove(regret.id, { user: admin })
    const before = await server.app.service('transcripts').get(channelId)

    await rename(world.worker, 'Renamed Worker')
    await rename(admin, 'Renamed Admin')
    const after = await server.app.service('transcripts').get(channelId)
    assert.strictEqual(after.channel.chain_head, before.channel.chain_head, 'the same head')
    assert.deepStrictEqual(verifyChain(after).problems, [])
    const message = after.messages.find((m) => m.id === early.id)!
    assert.strictEqual(message.sender_name, then)
    assert.deepStrictEqual(message.sender, { id: world.worker.id, name: 'Renamed Worker' })
    const joined = after.events.find((e) => e.kind === 'participant.joined' && e.user_id === world.worker.id)!
    assert.strictEqual(joined.user_name, then)
    assert.match(joined.text, new RegExp(`^${then} joined as `))
    const deletion = after.events.find((e) => e.kind === 'message.deleted')!
    assert.deepStrictEqual([deletion.actor_name, deletion.user_name], [adminThen, then])
    assert.strictEqual(deletion.text, `${adminThen} deleted a message from ${then}`)

    // The page: the name then, with today's name beside it
    const html = transcriptHtml(after)
    assert.ok(
      html.includes(
        `<strong><bdi>${then}</bdi> (user ${world.worker.id}, now named <bdi>Renamed Worker</bdi>)</strong>`
      ),
      html
    )
    assert.ok(
      html.includes(
        `by <bdi>${adminThen}</bdi> (user ${admin.id}, admin, now named <bdi>Renamed Admin</bdi>)`
      )
    )
    assert.ok(html.includes(`(user ${world.worker.id} is now named <bdi>Renamed Worker</bdi>)`))

    // What he sends from now on is under his new name, with nothing beside it
    await send(channelId, world.worker, 'see you')
    const latest = await server.app.service('transcripts').get(channelId)
    assert.strictEqual(latest.messages.at(-1)!.sender_name, 'Renamed Worker')
    assert.ok(
      transcriptHtml(latest).includes(`<strong><bdi>Renamed Worker</bdi> (user ${world.worker.id})</strong>`)
    )
  })

  it('takes the name from the users row, whatever the caller says the sender is called', async () => {
    const { world, channelId } = await channelOf()
    const sent = await send(channelId, { ...world.worker, name: 'Somebody Important' }, 'hello')
    const row = await owner('chat_messages').where({ id: sent.id }).first('sender_name', 'chain_format')
    assert.deepStrictEqual(row, { sender_name: world.worker.name, chain_format: 2 })
  })

  it('refuses a name or a format written by the app’s role, or by the owner with the guards on', async () => {
    const { world, channelId } = await channelOf()
    const sent = await send(channelId, world.worker, 'hello')
    const event = await owner('chat_channel_events')
      .where({ channel_id: channelId })
      .orderBy('event_seq')
      .first()
    const refusal = async (statement: Knex.QueryBuilder) => {
      const error = await statement.then(
        () => undefined,
        (thrown) => thrown
      )
      assert.ok(error, `${statement.toString()}: should have been refused`)
      return error.hint ?? error.code
    }
    for (const db of [runtime, owner]) {
      const message = () => db('chat_messages').where({ id: sent.id })
      assert.strictEqual(await refusal(message().update({ sender_name: 'Somebody Else' })), 'append-only')
      assert.strictEqual(
        await refusal(message().update({ sender_name: null, chain_format: 1 })),
        'append-only'
      )
      assert.match(
        await refusal(
          db('chat_channel_events').where({ id: event.id }).update({ user_name: 'Somebody Else' })
        ),
        /^(append-only|42501)$/
      )
    }
    assert.strictEqual(
      await refusal(
        runtime('chat_messages').insert({
          channel_id: channelId,
          seq: 2,
          sender_id: world.worker.id,
          sender_name: 'Somebody Else',
          content: 'forged',
          created_at: runtime.fn.now(),
          chain_format: 2
        })
      ),
      'append-only'
    )
    const row = await owner('chat_messages').where({ id: sent.id }).first('sender_name')
    assert.strictEqual(row.sender_name, world.worker.name)
    assert.deepStrictEqual((await check(channelId)).problems, [])
  })

  it('verify-history names a message whose name the owner changed with the guards off, and an event’s', async () => {
    const { world, channelId } = await channelOf()
    const first = await send(channelId, world.worker, 'I will be there at 8')
    const second = await send(channelId, world.supervisor, 'fine')
    await tamper('chat_messages', 'update chat_messages set sender_name = ? where id = ?', [
      'Someone Else',
      first.id
    ])
    const run = await runTool('verify-history', ['--context', `booking:${world.booking.id}`])
    assert.strictEqual(run.code, 1, run.stdout + run.stderr)
    assert.match(run.stdout, new RegExp(`message seq 1 \\(id ${first.id}\\): does not match its hash`))

    // A name dropped with the entry's format set back to 1 does not pass for an older entry either
    await tamper(
      'chat_messages',
      'update chat_messages set sender_name = null, chain_format = 1 where id = ?',
      [second.id]
    )
    const joined = await owner('chat_channel_events')
      .where({ channel_id: channelId, kind: 'participant.joined', user_id: world.supervisor.id })
      .first()
    await tamper('chat_channel_events', 'update chat_channel_events set user_name = ? where id = ?', [
      'Someone Else',
      joined.id
    ])
    const { problems } = await check(channelId)
    const named = (entry: string) =>
      problems.some((problem) => problem.entry === entry && /does not match its hash/.test(problem.reason))
    assert.ok(named(`message seq 2 (id ${second.id})`), JSON.stringify(problems))
    assert.ok(
      named(`event ${joined.event_seq} (participant.joined, id ${joined.id})`),
      JSON.stringify(problems)
    )
  })

  describe('the rules of the formats, with every link recomputed', () => {
    /** Every link and the head recomputed in the record, as the owner rewriting it would. */
    const relinked = (record: ChannelRecord) => {
      let previous: string | null = null
      for (const entry of inChainOrder(record.messages, record.events)) {
        const item = entry.type === 'message' ? entry.message : entry.event
        const encoding =
          entry.type === 'message' ? messageEncoding(entry.message) : eventEncoding(entry.event)
        item.hash = previous = link(previous, encoding!)
      }
      record.channel.chain_head = previous
      return record
    }

    it('names an entry chained without names after entries chained with them, and a name a format-1 entry carries', async () => {
      const { world, channelId } = await channelOf()
      await send(channelId, world.worker, 'one')
      await send(channelId, world.worker, 'two')
      const record = (await readChannelRecord(owner, channelId))!
      assert.deepStrictEqual(verifyChain(relinked(record)).problems, [])

      const [first, last] = [record.messages[0], record.messages[1]]
      Object.assign(last, { chain_format: 1, sender_name: null })
      const unnamed = verifyChain(relinked(record)).problems
      assert.deepStrictEqual(
        unnamed.map((problem) => problem.entry),
        [`message seq 2 (id ${last.id})`],
        JSON.stringify(unnamed)
      )
      assert.match(unnamed[0].reason, /chained without names \(format 1\) after event 1 \(channel.opened/)

      Object.assign(first, { chain_format: 1 })
      const carried = verifyChain(relinked(record)).problems
      assert.ok(
        carried.some(
          (problem) =>
            problem.entry === `message seq 1 (id ${first.id})` && /carries a name/.test(problem.reason)
        ),
        JSON.stringify(carried)
      )
    })
  })
})
