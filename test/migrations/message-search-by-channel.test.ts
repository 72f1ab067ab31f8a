import assert from 'assert'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { testDatabaseUrl } from '../helpers/database'
import * as searchByChannel from '../../migrations/20261208000100_message-search-by-channel'

const searchIndexes = (trx: Knex.Transaction) =>
  trx('pg_indexes')
    .where({ tablename: 'chat_messages' })
    .whereLike('indexdef', '%USING gin%')
    .orderBy('indexname')
    .pluck('indexdef')

/**
 * The channel-and-words index replaces the one on the words alone, and going back puts
 * that one back: either way the table has one GIN index that a search can use. In one
 * transaction that is rolled back, so other suites never see the index missing.
 */
describe('migration: message search by channel', () => {
  let db: Knex

  before(() => {
    db = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
  })
  after(async () => {
    await db.destroy()
  })

  it('goes down to the index on the words alone and up again to the index on channel and words', async () => {
    const trx = await db.transaction()
    try {
      const withChannel = [
        'CREATE INDEX chat_messages_channel_search ON public.chat_messages USING gin (channel_id, search_vector)'
      ]
      assert.deepStrictEqual(await searchIndexes(trx), withChannel)
      await searchByChannel.down(trx)
      assert.deepStrictEqual(await searchIndexes(trx), [
        'CREATE INDEX chat_messages_search ON public.chat_messages USING gin (search_vector)'
      ])
      await searchByChannel.up(trx)
      assert.deepStrictEqual(await searchIndexes(trx), withChannel)
    } finally {
      await trx.rollback()
    }
  })
})
