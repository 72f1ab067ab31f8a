import assert from 'assert'
import crypto from 'crypto'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { testDatabaseUrl } from '../helpers/database'

/**
 * Chat history is legal evidence: whatever client connects, the database itself refuses
 * to rewrite or delete a chat message. Only the soft delete may change a row, one way.
 */
describe('chat_messages is append-only in the database', () => {
  let db: Knex
  let userIds: number[]
  let channelIds: number[]

  before(async () => {
    db = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
    const tag = crypto.randomBytes(4).toString('hex')
    const users = await db('users')
      .insert([
        { email: `append-only-a-${tag}@example.test`, name: 'Author', password: 'not-a-real-hash' },
        { email: `append-only-b-${tag}@example.test`, name: 'Someone else', password: 'not-a-real-hash' }
      ])
      .returning('id')
    userIds = users.map((row: { id: number }) => Number(row.id))
    // Contexts far away from any the factories create
    const base = 900_000_000 + crypto.randomInt(1_000_000)
    const channels = await db('chat_channels')
      .insert([
        { context_type: 'booking', context_id: base, last_seq: 1 },
        { context_type: 'booking', context_id: base + 1 }
      ])
      .returning('id')
    channelIds = channels.map((row: { id: number }) => Number(row.id))
  })
  after(async () => {
    await db.destroy()
  })

  let nextSeq = 0
  /** A fresh message row, written the way the app writes one. */
  async function insertMessage(overrides: Record<string, unknown> = {}) {
    const [row] = await db('chat_messages')
      .insert({
        channel_id: channelIds[0],
        seq: ++nextSeq,
        sender_id: userIds[0],
        content: 'The original words',
        client_id: `client-${nextSeq}`,
        ...overrides
      })
      .returning('*')
    return row
  }

  const reread = (id: number) => db('chat_messages').where({ id }).first()

  /** Runs one statement on its own (autocommit) and returns the error it failed with, if any. */
  async function errorOf(statement: Knex.QueryBuilder | Knex.Raw) {
    try {
      await statement
      return undefined
    } catch (error: any) {
      return error
    }
  }

  /** The refusal comes from the append-only trigger, not from some unrelated constraint. */
  function assertRefusedByHistoryGuard(error: any, what: string, message: RegExp) {
    assert.ok(error, `${what} should have been refused by the database`)
    assert.strictEqual(error.code, 'P0001', `${what}: ${error.message}`)
    assert.strictEqual(error.hint, 'append-only', `${what}: ${error.message}`)
    assert.match(error.message, message)
  }

  const rewrites: [column: string, value: () => unknown][] = [
    ['content', () => 'Words someone would rather have said'],
    ['sender_id', () => userIds[1]],
    ['channel_id', () => channelIds[1]],
    ['seq', () => 999_999],
    ['created_at', () => db.raw(`now() - interval '1 day'`)],
    ['client_id', () => 'a-different-client-id'],
    ['id', () => db.raw(`id + 1000000000`)]
  ]

  for (const [column, value] of rewrites) {
    it(`refuses a direct UPDATE of ${column} and leaves the row as it was`, async () => {
      const original = await insertMessage()
      const error = await errorOf(
        db('chat_messages')
          .where({ id: original.id })
          .update({ [column]: value() })
      )
      assertRefusedByHistoryGuard(error, `UPDATE ${column}`, /immutable/)
      assert.deepStrictEqual(await reread(original.id), original)
    })
  }

  it('refuses giving a client_id to a message that had none', async () => {
    const original = await insertMessage({ client_id: null })
    const error = await errorOf(
      db('chat_messages').where({ id: original.id }).update({ client_id: 'added-later' })
    )
    assertRefusedByHistoryGuard(error, 'UPDATE client_id from null', /immutable/)
    assert.deepStrictEqual(await reread(original.id), original)
  })

  it('refuses a rewrite hidden in a soft delete (is_deleted together with content)', async () => {
    const original = await insertMessage()
    const error = await errorOf(
      db('chat_messages')
        .where({ id: original.id })
        .update({ is_deleted: true, deleted_at: db.fn.now(), content: '[removed]' })
    )
    assertRefusedByHistoryGuard(error, 'UPDATE is_deleted + content', /immutable/)
    assert.deepStrictEqual(await reread(original.id), original)
  })

  it('refuses DELETE', async () => {
    const original = await insertMessage()
    const error = await errorOf(db('chat_messages').where({ id: original.id }).delete())
    assertRefusedByHistoryGuard(error, 'DELETE', /cannot be deleted/)
    assert.deepStrictEqual(await reread(original.id), original)
  })

  it('refuses TRUNCATE', async () => {
    const original = await insertMessage()
    const before = await db('chat_messages').count({ total: '*' }).first()
    // In a transaction that is always rolled back: if the guard were missing, the test
    // fails without wiping the messages of the other suites sharing this database
    const trx = await db.transaction()
    let error: any
    try {
      await trx.raw('truncate table chat_messages cascade')
    } catch (caught) {
      error = caught
    } finally {
      await trx.rollback()
    }
    assertRefusedByHistoryGuard(error, 'TRUNCATE', /cannot be deleted/)
    assert.deepStrictEqual(await db('chat_messages').count({ total: '*' }).first(), before)
    assert.deepStrictEqual(await reread(original.id), original)
  })

  it('allows the soft delete (is_deleted = true, deleted_at = now()) and nothing else changes', async () => {
    const original = await insertMessage()
    assert.strictEqual(original.is_deleted, false)
    assert.strictEqual(original.deleted_at, null)

    const updated = await db('chat_messages')
      .where({ id: original.id })
      .update({ is_deleted: true, deleted_at: db.fn.now() })
      .returning('*')
    assert.strictEqual(updated.length, 1)

    const after = await reread(original.id)
    assert.strictEqual(after.is_deleted, true)
    assert.ok(after.deleted_at, 'deleted_at is set')
    const { is_deleted: _a, deleted_at: _b, ...kept } = after
    const { is_deleted: _c, deleted_at: _d, ...was } = original
    assert.deepStrictEqual(kept, was, 'the words, sender, channel, seq, created_at and client_id are kept')
  })

  it('refuses to un-delete a soft-deleted message', async () => {
    const original = await insertMessage()
    await db('chat_messages').where({ id: original.id }).update({ is_deleted: true, deleted_at: db.fn.now() })
    const deleted = await reread(original.id)

    const error = await errorOf(db('chat_messages').where({ id: original.id }).update({ is_deleted: false }))
    assertRefusedByHistoryGuard(error, 'un-delete', /stays deleted/)
    const errorWithTimestamp = await errorOf(
      db('chat_messages').where({ id: original.id }).update({ is_deleted: false, deleted_at: null })
    )
    assertRefusedByHistoryGuard(errorWithTimestamp, 'un-delete clearing deleted_at', /stays deleted/)
    assert.deepStrictEqual(await reread(original.id), deleted)
  })

  it('refuses every rewrite of one message in turn, and the row ends exactly as it was written', async () => {
    const original = await insertMessage()
    for (const [column, value] of rewrites) {
      const error = await errorOf(
        db('chat_messages')
          .where({ id: original.id })
          .update({ [column]: value() })
      )
      assertRefusedByHistoryGuard(error, `UPDATE ${column}`, /immutable/)
    }
    assertRefusedByHistoryGuard(
      await errorOf(db('chat_messages').where({ id: original.id }).delete()),
      'DELETE',
      /cannot be deleted/
    )
    assertRefusedByHistoryGuard(
      await errorOf(db.raw('delete from chat_messages where channel_id = ?', [channelIds[0]])),
      'bulk DELETE',
      /cannot be deleted/
    )
    assert.deepStrictEqual(await reread(original.id), original)
  })
})
