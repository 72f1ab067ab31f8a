import assert from 'assert'
import type { Knex } from 'knex'
import { createSuiteDatabase } from '../../../../helpers/database'
import { startApp } from '../../../../helpers/app'
import type { TestServer } from '../../../../helpers/app'
import { buildAdmin, buildUser } from '../../../../helpers/factories'
import { messageRowsRead } from '../../../../helpers/query-plans'
import { within } from '../../../../helpers/processes'
import type { FeathersError } from '@feathersjs/errors'
import type { MessageSearchPage } from '../../../../../src/modules/messaging/services/messages/search'
import { seedScale } from '../../../../../bench/scale-seed'
import {
  MATCH_CAP,
  RECENT_WINDOW
} from '../../../../../src/modules/messaging/services/messages/search.schema'

// The scale bench's shape, small, but more messages than an admin's search may read:
// every one says "safety boots", and "channel <id>" names the messages of one channel.
// Short channels make a word the statistics do not know look common enough (one channel's
// worth, as a number is) that the old query walked the table backwards by id for it
const SHAPE = { channels: 2250, perChannel: 10, readerChannels: 20 }
const ALL_MESSAGES = SHAPE.channels * SHAPE.perChannel
const LIMIT = 20

/**
 * An admin's search of every channel reads a bounded number of messages whatever the words:
 * asked of the whole table, PostgreSQL walked it backwards by id for a word in few or no
 * messages, and ranked every row for a common one.
 */
describe('an admin’s search of every channel reads a bounded part of the table', function () {
  this.timeout(120_000)
  let database: { url: string; drop: () => Promise<unknown> }
  let server: TestServer
  let db: Knex
  let search: (query: Record<string, unknown>) => Promise<MessageSearchPage>

  before(async () => {
    assert.ok(ALL_MESSAGES > MATCH_CAP && MATCH_CAP >= RECENT_WINDOW, 'the table is bigger than any bound')
    database = await createSuiteDatabase('search_everywhere_plan')
    server = await startApp({ database: { url: database.url, dataDir: '', pool: { min: 0, max: 4 } } })
    db = server.app.get('postgresqlClient')
    const reader = await buildUser(server.app, { name: 'Plan reader' })
    await seedScale(db, SHAPE, reader.id, () => undefined)
    const admin = await server.app.service('users').get((await buildAdmin(server.app)).id)
    search = (query) =>
      server.app.service('messages').find({
        query: { $limit: LIMIT, ...query },
        user: admin,
        provider: 'rest',
        authenticated: true
      }) as Promise<MessageSearchPage>
  })

  after(async () => {
    await server?.close()
    await database?.drop()
  })

  it('a word in no message: nothing found, newest first or by relevance, within the bound', async () => {
    for (const order of [{}, { $sort: { relevance: -1 } }]) {
      const query = { $search: 'zeppelin', ...order }
      assert.deepStrictEqual((await search(query)).data, [])
      const { rows, indexes } = await messageRowsRead(db, () => search(query))
      assert.ok(rows <= RECENT_WINDOW, `read ${rows} rows of ${ALL_MESSAGES}`)
      assert.ok(indexes.has('chat_messages_channel_search'), [...indexes].join(', '))
    }
  })

  it('a word of the oldest channel only: its messages newest first, page after page, within the bound', async () => {
    // Above every seq, so that the number is the channel's alone
    const channelId = Number(
      (await db('chat_channels').where('id', '>', SHAPE.perChannel).min({ id: 'id' }))[0].id
    )
    const query = { $search: `channel ${channelId} safety`, $limit: 4 }
    const seqs: number[][] = []
    let cursor: string | undefined
    do {
      const page = await search({ ...query, ...(cursor ? { $cursor: cursor } : {}) })
      seqs.push(...page.data.map((message) => [message.channel_id, message.seq]))
      cursor = page.next_cursor ?? undefined
    } while (cursor && seqs.length < 2 * SHAPE.perChannel)
    assert.deepStrictEqual(
      seqs,
      Array.from({ length: SHAPE.perChannel }, (_, i) => [channelId, SHAPE.perChannel - i])
    )
    const { rows } = await messageRowsRead(db, () => search(query))
    assert.ok(rows <= RECENT_WINDOW + 4 * SHAPE.perChannel, `read ${rows} rows of ${ALL_MESSAGES}`)
  })

  it('a word in every message: the newest at once; by relevance a clear 400 after at most the cap', async () => {
    const newest = await search({ $search: 'safety boo' })
    assert.strictEqual(newest.data.length, LIMIT)
    const [{ top }] = await db('chat_messages').max({ top: 'id' })
    assert.strictEqual(newest.data[0].id, Number(top))
    const { rows: newestRows } = await messageRowsRead(db, () => search({ $search: 'safety boo' }))
    assert.ok(newestRows <= 4 * (LIMIT + 1), `read ${newestRows} rows`)

    const ranked = { $search: 'safety boots', $sort: { relevance: -1 } }
    await assert.rejects(
      search(ranked),
      (error: FeathersError) => error.code === 400 && /name a channel, or add a word/.test(error.message)
    )
    const { rows } = await messageRowsRead(db, () => search(ranked).catch(() => undefined))
    assert.ok(rows <= MATCH_CAP + 1, `read ${rows} rows of ${ALL_MESSAGES}`)
    // Naming a channel is the way through
    const [channelId] = await db('chat_channels').orderBy('id').limit(1).pluck('id')
    const inChannel = await search({ ...ranked, channel_id: Number(channelId) })
    assert.strictEqual(inChannel.data.length, SHAPE.perChannel)
  })

  it('a lookup that runs past its statement timeout: the same clear 400, and the next search is answered', async function () {
    this.timeout(20_000)
    // A channel's number (above every seq): its own messages, far below the cap, so only
    // the timeout can refuse it
    const [channelId] = await db('chat_channels')
      .where('id', '>', SHAPE.perChannel)
      .orderBy('id')
      .limit(1)
      .pluck('id')
    const ranked = { $search: `channel ${channelId} safety`, $sort: { relevance: -1 } }
    // Whatever holds the table keeps the lookup waiting, as reading a word's every entry
    // would: a lock wait counts toward the statement's timeout
    const lockWaits = async () =>
      (await db.raw(`select 1 from pg_locks where relation = 'chat_messages'::regclass and not granted`)).rows
        .length
    const holder = await db.transaction()
    try {
      await holder.raw('lock table chat_messages in access exclusive mode')
      const started = Date.now()
      const refused = assert.rejects(
        search(ranked),
        (error: FeathersError) =>
          error.code === 400 &&
          /name a channel, or add a word/.test(error.message) &&
          error.data?.field === '$search'
      )
      // The lookup waits on the lock: it is refused by the timeout, not before it
      while (!(await lockWaits())) {
        assert.ok(Date.now() - started < 4_000, 'the lookup never waited on the table')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      // Bounded here, so that the lock is released whatever the search does
      await within(refused, 15_000, 'the refusal')
      const elapsed = Date.now() - started
      assert.ok(elapsed >= 4_500, `refused after ${elapsed} ms, before the statement timeout`)
    } finally {
      await holder.rollback()
    }
    assert.strictEqual((await search(ranked)).data.length, SHAPE.perChannel)
  })

  describe('once the newest messages no longer say the words', () => {
    before(async () => {
      // The window of newest messages, every one newer than the matches and none a match
      await db.raw(
        `insert into chat_messages (channel_id, seq, sender_id, content, created_at)
         select c.id, c.last_seq + s, b.worker_id, 'Later note ' || s || ': the shift moved to eight',
           c.last_message_at + s * interval '1 second'
         from chat_channels c join bookings b on b.id = c.context_id, generate_series(1, ${RECENT_WINDOW}) s
         where c.id = (select max(id) from chat_channels) order by s`
      )
    })

    it('newest first, a word in more than the cap of older messages: a clear 400; naming a channel finds them', async () => {
      await assert.rejects(
        search({ $search: 'safety boots' }),
        (error: FeathersError) =>
          error.code === 400 &&
          /name a channel, or add a word/.test(error.message) &&
          error.data?.field === '$search'
      )
      const [channelId] = await db('chat_channels').orderBy('id').limit(1).pluck('id')
      const inChannel = await search({ $search: 'safety boots', channel_id: Number(channelId) })
      assert.deepStrictEqual(
        inChannel.data.map((message) => message.seq),
        Array.from({ length: SHAPE.perChannel }, (_, i) => SHAPE.perChannel - i)
      )
      // A word of the newest messages still fills its page from the window
      const [{ top }] = await db('chat_messages').max({ top: 'id' })
      const newest = await search({ $search: 'moved eight' })
      assert.strictEqual(newest.data.length, LIMIT)
      assert.strictEqual(newest.data[0].id, Number(top))
    })
  })
})
