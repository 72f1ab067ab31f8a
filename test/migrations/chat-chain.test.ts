import assert from 'assert'
import crypto from 'crypto'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { testDatabaseUrl } from '../helpers/database'
import { readChannelRecord } from '../../src/modules/messaging/evidence/record'
import { verifyChain } from '../../src/modules/messaging/evidence/chain'
import * as chain from '../../migrations/20261201000100_chat-chain'
import * as chainTriggers from '../../migrations/20261201000200_chat-chain-triggers'
import * as chainWriters from '../../migrations/20261206000100_chat-chain-writers'
import * as chainGuards from '../../migrations/20261206000200_chat-chain-guards'
import * as chainContext from '../../migrations/20261206000300_chat-chain-context'
import * as chainNames from '../../migrations/20261208000200_chat-chain-names'
import * as eventWriterDropped from '../../migrations/20261208000300_chat-chain-event-dropped'
import * as encodingInOneCall from '../../migrations/20261209000100_chat-chain-encoding-in-one-call'

/**
 * History written before the chain existed is chained by the migration in the order
 * it happened: people joining and leaving, messages, deletions, a frozen channel.
 * Down removes all of it. Everything here runs in one transaction that is rolled
 * back, so the other suites sharing the database never see the chain missing.
 */
describe('migration: the chain over existing history', () => {
  let db: Knex

  before(() => {
    db = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
  })
  after(async () => {
    await db.destroy()
  })

  const EVENT_WRITER = 'chat_chain_event(bigint, text, bigint, bigint, bigint, text, timestamptz)'
  const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString()

  it('chains old channels in time order on up, and leaves no trace on down', async () => {
    const trx = await db.transaction()
    try {
      // The migrations after the chain first, newest first, as knex rolls back
      await encodingInOneCall.down(trx)
      await eventWriterDropped.down(trx)
      assert.deepStrictEqual(
        (await trx.raw(`select has_function_privilege('public', ?, 'execute') as open`, [EVENT_WRITER])).rows,
        [{ open: false }],
        'down brings the first event writer back, shut to PUBLIC as it was'
      )
      await chainNames.down(trx)
      await chainContext.down(trx)
      await chainGuards.down(trx)
      await chainWriters.down(trx)
      await chainTriggers.down(trx)
      await chain.down(trx)
      const columns = await trx('information_schema.columns').where({
        table_name: 'chat_messages',
        column_name: 'hash'
      })
      assert.deepStrictEqual(columns, [], 'down removes the columns')

      const tag = crypto.randomBytes(4).toString('hex')
      const [ana, ben] = await trx('users')
        .insert(
          ['ana', 'ben'].map((name) => ({
            name,
            email: `${name}-${tag}@example.test`,
            password: 'not-a-real-hash'
          }))
        )
        .returning('id')
        .then((rows) => rows.map((row: { id: number }) => Number(row.id)))
      const [{ id: channelId }] = await trx('chat_channels')
        .insert({
          context_type: 'dispute',
          context_id: 930_000_000 + crypto.randomInt(1_000_000),
          status: 'frozen',
          last_seq: 3
        })
        .returning('id')
      await trx('chat_participants').insert([
        { channel_id: channelId, user_id: ana, role: 'dispute_party', joined_at: hoursAgo(10) },
        {
          channel_id: channelId,
          user_id: ben,
          role: 'dispute_party',
          joined_at: hoursAgo(10),
          removed_at: hoursAgo(5)
        }
      ])
      const messages = await trx('chat_messages')
        .insert([
          { channel_id: channelId, seq: 1, sender_id: ana, content: 'first', created_at: hoursAgo(9) },
          { channel_id: channelId, seq: 2, sender_id: ben, content: 'second', created_at: hoursAgo(6) },
          {
            channel_id: channelId,
            seq: 3,
            sender_id: ana,
            content: 'third',
            client_id: 'c-3',
            created_at: hoursAgo(4)
          }
        ])
        .returning('id')
      await trx('chat_messages').where({ id: messages[1].id }).update({ is_deleted: true })

      await chain.up(trx)
      await chainTriggers.up(trx)
      await chainWriters.up(trx)
      await chainGuards.up(trx)
      await chainContext.up(trx)
      await chainNames.up(trx)
      await eventWriterDropped.up(trx)
      await encodingInOneCall.up(trx)
      assert.deepStrictEqual(
        (await trx.raw(`select to_regprocedure(?) as writer`, [EVENT_WRITER])).rows,
        [{ writer: null }],
        'up drops the first event writer'
      )

      const record = (await readChannelRecord(trx, channelId))!
      assert.deepStrictEqual(verifyChain(record).problems, [])
      assert.deepStrictEqual(
        record.events.map((event) => `${event.event_seq}:${event.kind}:${event.after_seq}`),
        [
          '1:participant.joined:0',
          '2:participant.joined:0',
          '3:participant.left:2',
          // soft deletes of the past were stamped by their transaction: here, this one's start
          '4:message.deleted:3',
          '5:channel.frozen:3',
          // chained before bindings existed: bound to its context now, after its history
          '6:channel.bound:3'
        ]
      )
      assert.strictEqual(record.channel.chain_head, record.events.at(-1)!.hash)

      // From now on the triggers extend the same chain
      await trx('chat_participants')
        .where({ channel_id: channelId, user_id: ana })
        .update({ removed_at: trx.fn.now() })
      const extended = (await readChannelRecord(trx, channelId))!
      assert.deepStrictEqual(verifyChain(extended).problems, [])
      assert.strictEqual(extended.events.at(-1)!.kind, 'participant.left')
      // in the format with names, after the history chained without them, and both verify
      assert.deepStrictEqual(
        extended.events.map((event) => event.chain_format),
        [1, 1, 1, 1, 1, 1, 2]
      )
      assert.strictEqual(extended.events.at(-1)!.user_name, 'ana')
    } finally {
      await trx.rollback()
    }
  })
})
