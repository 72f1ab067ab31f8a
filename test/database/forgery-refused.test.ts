import assert from 'assert'
import type { Knex } from 'knex'
import { useServer } from '../helpers/app'
import { buildAdmin } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import { useRuntimeRole } from '../helpers/runtime-role'

/**
 * Each forgery the role the app connects as could once write so that the chain still
 * verified, tried as that role (not the tables' owner): the database refuses it.
 */
describe('forgery refused by the database, for the role the app connects as', function () {
  this.timeout(60_000)
  const server = useServer()
  const { owner, runtime } = useRuntimeRole()

  const errorOf = async (statement: PromiseLike<unknown>) => {
    try {
      await statement
      return undefined
    } catch (error: any) {
      return error
    }
  }
  /** Refused by a guard (hint append-only) or for want of privilege (42501), never merely failed. */
  async function assertRefused(statement: Knex.QueryBuilder | Knex.Raw, code?: '42501' | '42883') {
    const error = await errorOf(statement)
    assert.ok(error, `${statement.toString()}: should have been refused`)
    if (code) assert.strictEqual(error.code, code, `${statement.toString()}: ${error.message}`)
    else assert.strictEqual(error.hint, 'append-only', `${statement.toString()}: ${error.message}`)
  }
  const check = (channelId: number) => server.app.service('history-checks').get(channelId)

  async function channelWithHistory(): Promise<{ world: BookingWorld; channelId: number; ids: number[] }> {
    const { world, channelId } = await bookingChannel(server.app)
    const ids: number[] = []
    for (const [i, sender] of [world.worker, world.supervisor].entries()) {
      const sent = await server.app
        .service('messages')
        .create({ channel_id: channelId, content: `line ${i + 1}` }, { user: sender })
      ids.push(sent.id)
    }
    return { world, channelId, ids }
  }
  const participantOf = (channelId: number, userId: number) =>
    owner('chat_participants').where({ channel_id: channelId, user_id: userId }).first()

  it('refuses a back-dated message written straight into the table, and a message’s time changed', async () => {
    const { world, channelId, ids } = await channelWithHistory()
    const channel = await owner('chat_channels').where({ id: channelId }).first()
    await assertRefused(
      runtime('chat_messages').insert({
        channel_id: channelId,
        seq: Number(channel.last_seq) + 1,
        sender_id: world.worker.id,
        content: 'I warned you yesterday',
        created_at: new Date(Date.now() - 86_400_000).toISOString(),
        hash: '0'.repeat(64)
      })
    )
    await assertRefused(
      runtime('chat_messages')
        .where({ id: ids[1] })
        .update({ created_at: runtime.raw(`created_at - interval '1 hour'`) })
    )
    assert.deepStrictEqual((await check(channelId)).problems, [])
  })

  it('refuses to rewrite a channel’s head, counters or times, to move it to another context, or to delete it', async () => {
    const { channelId } = await channelWithHistory()
    const rows = () => runtime('chat_channels').where({ id: channelId })
    for (const statement of [
      rows().update({ chain_head: null, last_seq: 0, last_event_seq: 0 }),
      rows().update({ last_seq: runtime.raw('last_seq - 1') }),
      rows().update({ last_message_at: runtime.raw(`last_message_at - interval '1 day'`) }),
      rows().update({ created_at: runtime.raw(`created_at - interval '1 day'`) }),
      rows().update({ context_id: runtime.raw('context_id + 1') }),
      rows().update({ context_type: 'dispute' }),
      rows().delete(),
      runtime('chat_channels').insert({
        context_type: 'booking',
        context_id: 950_000_000 + channelId,
        last_seq: 3,
        chain_head: 'f'.repeat(64)
      })
    ]) {
      await assertRefused(statement)
    }
    assert.deepStrictEqual((await check(channelId)).problems, [])
  })

  it('refuses events forged through the chain’s internal functions or written straight in', async () => {
    const { world, channelId } = await channelWithHistory()
    // The first writer, which took its time from the caller and wrote no names, is gone
    const { rows } = await owner.raw(`select 1 from pg_proc where proname = 'chat_chain_event'`)
    assert.deepStrictEqual(rows, [], 'chat_chain_event() no longer exists')
    await assertRefused(
      runtime.raw(
        `select chat_chain_event(?, 'participant.left', null, ?, null, 'worker', now() - interval '1 day')`,
        [channelId, world.worker.id]
      ),
      '42883'
    )
    await assertRefused(
      runtime.raw(`select chat_chain_append(?, 'channel.frozen', null, null, null, 'completed')`, [
        channelId
      ]),
      '42501'
    )
    await assertRefused(
      runtime('chat_channel_events').insert({
        channel_id: channelId,
        event_seq: 99,
        after_seq: 2,
        kind: 'channel.frozen',
        created_at: new Date().toISOString(),
        hash: '0'.repeat(64)
      })
    )
    assert.deepStrictEqual((await check(channelId)).problems, [])
  })

  it('stamps joins and leaves itself: a back-dated join, a back-dated leave or a leave before its join is refused', async () => {
    const { world, channelId } = await channelWithHistory()
    const admin = await buildAdmin(server.app)
    const dayAgo = runtime.raw(`now() - interval '1 day'`)
    await assertRefused(
      runtime('chat_participants').insert({
        channel_id: channelId,
        user_id: admin.id,
        role: 'worker',
        joined_at: dayAgo
      })
    )
    await assertRefused(
      runtime('chat_participants').insert({
        channel_id: channelId,
        user_id: admin.id,
        role: 'worker',
        removed_at: runtime.fn.now()
      })
    )
    const worker = await participantOf(channelId, world.worker.id)
    const row = () => runtime('chat_participants').where({ id: worker.id })
    await assertRefused(row().update({ removed_at: runtime.raw(`joined_at - interval '1 hour'`) }))
    await assertRefused(row().update({ removed_at: dayAgo }))
    await assertRefused(row().update({ joined_at: runtime.raw(`joined_at + interval '1 hour'`) }))
    assert.strictEqual((await participantOf(channelId, world.worker.id)).removed_at, null)
    assert.deepStrictEqual((await check(channelId)).problems, [])
  })

  it('never deletes a membership row, whatever the role', async () => {
    const { world, channelId } = await channelWithHistory()
    const worker = await participantOf(channelId, world.worker.id)
    await assertRefused(runtime('chat_participants').where({ id: worker.id }).delete())
    await assertRefused(owner('chat_participants').where({ id: worker.id }).delete())
    assert.ok(await participantOf(channelId, world.worker.id))
  })

  it('cannot replace the chain’s encoding helpers, nor add a function they or the chain’s writers would call', async () => {
    // convert_to(value, 'UTF8') would take a (text, text) overload in any schema on the path
    // over pg_catalog's (text, name): the helpers run inside the chain's SECURITY DEFINER writers
    for (const statement of [
      `create or replace function chat_chain_fields(fields text[]) returns bytea language sql immutable as $$ select ''::bytea $$`,
      `create or replace function chat_chain_field(value text) returns bytea language sql immutable as $$ select ''::bytea $$`,
      'alter function chat_chain_fields(text[]) rename to chat_chain_fields_replaced',
      `create function public.convert_to(text, text) returns bytea language sql immutable as $$ select ''::bytea $$`,
      'create schema chain_forgery'
    ]) {
      await assertRefused(runtime.raw(statement), '42501')
    }
    const { channelId } = await channelWithHistory()
    assert.deepStrictEqual((await check(channelId)).problems, [])
  })
})
