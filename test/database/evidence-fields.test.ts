import assert from 'assert'
import crypto from 'crypto'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { translateDatabaseError } from '../../src/database/errors'
import { testDatabaseUrl } from '../helpers/database'
import * as deletionStamp from '../../migrations/20261130120000_chat-messages-deletion-stamp'

/**
 * Whether and when a message was deleted is evidence as much as its words: the database
 * stamps the soft delete with its own clock and keeps both fields as
 * they were set, whatever client connects.
 */
describe('chat_messages: is_deleted and deleted_at are set once, together, by the database', () => {
  let db: Knex
  let senderId: number
  let channelId: number

  before(async () => {
    db = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
    const tag = crypto.randomBytes(4).toString('hex')
    const [user] = await db('users')
      .insert({ email: `evidence-${tag}@example.test`, name: 'Author', password: 'not-a-real-hash' })
      .returning('id')
    senderId = Number(user.id)
    // A context far away from any the factories create
    const [channel] = await db('chat_channels')
      .insert({ context_type: 'dispute', context_id: 910_000_000 + crypto.randomInt(1_000_000) })
      .returning('id')
    channelId = Number(channel.id)
  })
  after(async () => {
    await db.destroy()
  })

  let nextSeq = 0
  const insertMessage = async () => {
    const [row] = await db('chat_messages')
      .insert({ channel_id: channelId, seq: ++nextSeq, sender_id: senderId, content: 'The original words' })
      .returning('*')
    return row
  }
  const reread = (id: number) => db('chat_messages').where({ id }).first()
  const errorOf = async (statement: Knex.QueryBuilder | Knex.Raw) => {
    try {
      await statement
      return undefined
    } catch (error: any) {
      return error
    }
  }

  /** Refused by the history guard, which the services would answer with a 400, never a 500. */
  function assertRefused(error: any, what: string, message: RegExp) {
    assert.ok(error, `${what} should have been refused by the database`)
    assert.strictEqual(error.code, 'P0001', `${what}: ${error.message}`)
    assert.strictEqual(error.hint, 'append-only', `${what}: ${error.message}`)
    assert.match(error.message, message)
    assert.strictEqual(translateDatabaseError(error).code, 400, `${what}: translated to a client error`)
  }

  // Once the deleting transaction's start (now()); the chain's clock, read under the channel's
  // lock, so that a deletion is never stamped before an entry chained ahead of it (issue 21)
  it('stamps a soft delete that names no time from the clock under the channel’s lock, as its chained event', async () => {
    const message = await insertMessage()
    const trx = await db.transaction()
    try {
      const { rows } = await trx.raw('select now() as now')
      const [deleted] = await trx('chat_messages')
        .where({ id: message.id })
        .update({ is_deleted: true })
        .returning('*')
      const { rows: after } = await trx.raw('select clock_timestamp() as at')
      assert.strictEqual(deleted.is_deleted, true)
      assert.ok(deleted.deleted_at > rows[0].now, 'after the transaction began')
      assert.ok(deleted.deleted_at <= after[0].at, 'by the clock, during the statement')
      const event = await trx('chat_channel_events').where({ message_id: message.id }).first()
      assert.deepStrictEqual(event.created_at, deleted.deleted_at, 'the chained deletion’s time')
      await trx.commit()
    } catch (error) {
      await trx.rollback()
      throw error
    }
    assert.ok((await reread(message.id)).deleted_at, 'deleted_at is stored')
  })

  it('keeps the soft delete the app writes (deleted_at = now())', async () => {
    const message = await insertMessage()
    await db('chat_messages').where({ id: message.id }).update({ is_deleted: true, deleted_at: db.fn.now() })
    const deleted = await reread(message.id)
    assert.strictEqual(deleted.is_deleted, true)
    assert.ok(deleted.deleted_at)
  })

  for (const [label, when] of [
    ['back-dated', `now() - interval '30 days'`],
    ['dated later than it happens', `now() + interval '1 hour'`],
    ['dated by the clock instead of its transaction', `now() - interval '1 microsecond'`]
  ]) {
    it(`refuses a soft delete ${label}`, async () => {
      const message = await insertMessage()
      const error = await errorOf(
        db('chat_messages')
          .where({ id: message.id })
          .update({ is_deleted: true, deleted_at: db.raw(when) })
      )
      assertRefused(error, `soft delete ${label}`, /stamped with the time it happens/)
      assert.deepStrictEqual(await reread(message.id), message)
    })
  }

  it('refuses deleted_at on a message that is not deleted', async () => {
    const message = await insertMessage()
    for (const when of ['now()', `now() - interval '1 day'`]) {
      const error = await errorOf(
        db('chat_messages')
          .where({ id: message.id })
          .update({ deleted_at: db.raw(when) })
      )
      assertRefused(error, `deleted_at = ${when} alone`, /only by the soft delete/)
    }
    assert.deepStrictEqual(await reread(message.id), message)
  })

  it('refuses moving or clearing the time of a deletion', async () => {
    const message = await insertMessage()
    await db('chat_messages').where({ id: message.id }).update({ is_deleted: true })
    const deleted = await reread(message.id)
    for (const when of [`deleted_at - interval '1 day'`, `deleted_at + interval '1 day'`, 'now()', 'null']) {
      const error = await errorOf(
        db('chat_messages')
          .where({ id: message.id })
          .update({ deleted_at: db.raw(when) })
      )
      assertRefused(error, `deleted_at = ${when} after the delete`, /never changes/)
    }
    assert.deepStrictEqual(await reread(message.id), deleted)
  })

  it('refuses writing a message that is already deleted', async () => {
    for (const fields of [
      { is_deleted: true },
      { deleted_at: db.fn.now() },
      { is_deleted: true, deleted_at: db.raw(`now() - interval '1 day'`) }
    ]) {
      const error = await errorOf(
        db('chat_messages').insert({
          channel_id: channelId,
          seq: ++nextSeq,
          sender_id: senderId,
          content: 'born deleted',
          ...fields
        })
      )
      assertRefused(error, `insert with ${Object.keys(fields).join(', ')}`, /written live/)
    }
    assert.strictEqual(
      (await db('chat_messages').where({ channel_id: channelId, content: 'born deleted' })).length,
      0
    )
  })

  it('the migration down brings back the previous guard, and up this one', async () => {
    const message = await insertMessage()
    const backDated = () => ({ is_deleted: true, deleted_at: db.raw(`now() - interval '30 days'`) })
    // DDL is transactional: whatever happens here is rolled back, for the other suites
    const trx = await db.transaction()
    try {
      await deletionStamp.down(trx)
      await trx.raw('savepoint previous')
      await trx('chat_messages').where({ id: message.id }).update(backDated())
      await trx.raw('rollback to savepoint previous')
      await deletionStamp.up(trx)
      const error = await errorOf(trx('chat_messages').where({ id: message.id }).update(backDated()))
      assertRefused(error, 'back-dated soft delete after down and up', /stamped with the time it happens/)
    } finally {
      await trx.rollback()
    }
    assert.deepStrictEqual(await reread(message.id), message)
  })
})
