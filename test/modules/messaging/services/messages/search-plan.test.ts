import assert from 'assert'
import type { Knex } from 'knex'
import { createSuiteDatabase } from '../../../../helpers/database'
import { startApp } from '../../../../helpers/app'
import type { TestServer } from '../../../../helpers/app'
import { buildUser } from '../../../../helpers/factories'
import { seedScale } from '../../../../../bench/scale-seed'
import type { Paginated } from '@feathersjs/feathers'
import type { Message } from '../../../../../src/client'
import { messageRowsRead } from '../../../../helpers/query-plans'

// The scale bench's shape, small: 400 channels of 50 messages, the reader in 20 of them.
// Every message of the others' channels says "overtime", none of the reader's
const SHAPE = { channels: 400, perChannel: 50, readerChannels: 20 }
const READERS_MESSAGES = SHAPE.readerChannels * SHAPE.perChannel
const ALL_MESSAGES = SHAPE.channels * SHAPE.perChannel

/**
 * Newest first across a person's channels, a word rare among them must cost what their
 * channels hold, not what the table holds: with an index on the words alone, PostgreSQL
 * walked the whole table backwards by id, looking for a page of matches that never came.
 * Sequential scans stay allowed: the plan is the one the service gets.
 */
describe('message search across channels reads the person’s channels, not the table', function () {
  this.timeout(120_000)
  let database: { url: string; drop: () => Promise<unknown> }
  let server: TestServer
  let db: Knex
  let search: (text: string) => Promise<Paginated<Message>>

  before(async () => {
    database = await createSuiteDatabase('search_plan')
    server = await startApp({ database: { url: database.url, dataDir: '', pool: { min: 0, max: 4 } } })
    db = server.app.get('postgresqlClient')
    const reader = await buildUser(server.app, { name: 'Plan reader' })
    await seedScale(db, SHAPE, reader.id, () => undefined)
    const user = await server.app.service('users').get(reader.id)
    search = (text) =>
      server.app
        .service('messages')
        .find({ query: { $search: text, $limit: 20 }, user, provider: 'rest', authenticated: true })
  })

  after(async () => {
    await server?.close()
    await database?.drop()
  })

  it('a word in every channel but the person’s: nothing found, and no more rows read than their channels hold', async () => {
    assert.strictEqual((await search('overtime')).data.length, 0)
    const { rows } = await messageRowsRead(db, () => search('overtime'))
    assert.ok(
      rows <= READERS_MESSAGES,
      `read ${rows} rows of ${ALL_MESSAGES}; the person's channels hold ${READERS_MESSAGES}`
    )
  })

  it('words in none: each of the person’s channels is asked of the channel-and-words index', async () => {
    assert.strictEqual((await search('zeppelin hangar')).data.length, 0)
    const { rows, indexes } = await messageRowsRead(db, () => search('zeppelin hangar'))
    assert.ok(indexes.has('chat_messages_channel_search'), [...indexes].join(', '))
    assert.ok(rows <= READERS_MESSAGES, `read ${rows} rows`)
  })

  it('still finds what is there, newest first: a word of one of the person’s channels', async () => {
    const [channelId] = await db('chat_participants')
      .where({ user_id: (await db('users').where({ name: 'Plan reader' }).first('id')).id })
      .orderBy('channel_id', 'desc')
      .pluck('channel_id')
    const page = await search(`channel ${channelId} safety`)
    assert.strictEqual(page.data.length, 20)
    assert.ok(page.data.every((message) => message.channel_id === Number(channelId)))
    assert.deepStrictEqual(
      page.data.map((message) => message.seq),
      Array.from({ length: 20 }, (_, i) => SHAPE.perChannel - i)
    )
    const { rows } = await messageRowsRead(db, () => search(`channel ${channelId} safety`))
    assert.ok(rows <= READERS_MESSAGES, `read ${rows} rows`)
  })
})
