/**
 * History and channel list at scale: seeds 10 million messages in 50,000 channels (200
 * each; one person in 500 of them) and times, with a warm cache, the newest and a later
 * page of one channel's messages and of that person's channel list with unread counts:
 * inside the service (the service call as the app makes it, hooks included) and over
 * REST on loopback. Prints the EXPLAIN (ANALYZE, BUFFERS) of the statements the service
 * ran for each, captured from knex's `query` event. Message search ($search) is timed in
 * one channel and across the person's 500 (a word in one of them, in all, in none, and
 * in every channel but theirs; newest first and by relevance), and an admin's search of
 * every channel (a word of one old channel, in none, in all). Opt-in, as seeding takes
 * minutes:
 *
 *   npm run bench -- --scale [--scale-messages 1000000] [--scale-keep] [--scale-database URL]
 *
 * --scale-keep leaves the seeded database in place (its URL goes to stderr) to study it;
 * --scale-database times such a database again, without seeding it (nor dropping it).
 */
import { performance } from 'perf_hooks'
import type { Knex } from 'knex'
import { createTestDatabase, dropTestDatabase, testDatabaseUrl } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import { PASSWORD, buildUser } from '../test/helpers/factories'
import { http, login } from '../test/helpers/clients'
import { flag, spread } from './figures'
import { option } from './options'
import { seedScale } from './scale-seed'
import { explainedStatements } from './explained-statements'

const PER_CHANNEL = 200
const READER_CHANNELS = 500
const log = (line: string) => console.error(`[scale] ${line}`)

/** Times `call` once per item of `inputs`, after one untimed pass that warms the cache. */
async function timed<T>(inputs: T[], call: (input: T) => Promise<unknown>) {
  for (const input of inputs) await call(input)
  const ms: number[] = []
  for (const input of inputs) {
    const t0 = performance.now()
    await call(input)
    ms.push(performance.now() - t0)
  }
  return spread(ms)
}

/** The statements one call runs, each re-run under EXPLAIN (ANALYZE, BUFFERS). */
const plansOf = async (db: Knex, call: () => Promise<unknown>) =>
  (await explainedStatements(db, call, 'explain (analyze, buffers)')).map(({ sql, rows }) => ({
    sql,
    plan: rows.map((row) => row['QUERY PLAN'] as string)
  }))

/** The database a run with --scale-keep left, to time again without seeding (--scale-database URL). */
const keptDatabase = () => {
  const index = process.argv.indexOf('--scale-database')
  return index >= 0 ? process.argv[index + 1] : undefined
}

export async function scale() {
  const kept = keptDatabase()
  if (!kept) await createTestDatabase()
  const server = await startApp(
    kept ? { database: { url: kept, dataDir: '', pool: { min: 0, max: 10 } } } : {}
  )
  try {
    const db: Knex = server.app.get('postgresqlClient')
    let channels = Math.max(READER_CHANNELS, Math.round(option('scale-messages', 10_000_000) / PER_CHANNEL))
    let reader: { id: number; email: string; password: string }
    let seeding: Record<string, number> | 'kept' = 'kept'
    if (kept) {
      // buildUser gave the reader the factories' password
      reader = {
        ...(await db('users').where({ name: 'Scale reader' }).first('id', 'email')),
        password: PASSWORD
      }
      channels = Number((await db('chat_channels').count({ n: '*' }))[0].n)
    } else {
      reader = await buildUser(server.app, { name: 'Scale reader' })
      log(`seeding ${channels * PER_CHANNEL} messages in ${channels} channels`)
      seeding = await seedScale(
        db,
        { channels, perChannel: PER_CHANNEL, readerChannels: READER_CHANNELS },
        reader.id,
        log
      )
    }
    const user = await server.app.service('users').get(reader.id)
    // As the reader calling from outside (an internal call would be an admin's view of every channel)
    const as = { user, provider: 'rest', authenticated: true } as const
    const readerChannels: number[] = (
      await db('chat_participants')
        .where({ user_id: reader.id })
        .whereNull('removed_at')
        .orderBy('channel_id')
        .pluck('channel_id')
    ).map(Number)
    const token = await login(server.url, reader)
    const rest = async (path: string) => {
      const { status, text } = await http(server.url, 'GET', path, { token })
      if (status !== 200) throw new Error(`GET ${path}: ${status} ${text}`)
    }
    const messagesService = server.app.service('messages')
    const channelsService = server.app.service('channels')
    const newest = (channel_id: number) => messagesService.find({ query: { channel_id, $limit: 50 }, ...as })
    const firstChannels = () => channelsService.find({ query: { $limit: 50 }, ...as })
    const calls = Array.from({ length: 200 }, (_, i) => i)
    // Every seeded message has "safety boots" (the worst case: all match); "channel <id>"
    // matches the 200 messages of one channel among the person's 500
    const search = (query: Record<string, unknown>) =>
      messagesService.find({ query: { $limit: 20, ...query }, ...as })
    const searchOneChannel = (channel_id: number) => search({ channel_id, $search: 'safety boo' })
    const searchEverywhere = (channel_id: number) => search({ $search: `channel ${channel_id}` })
    const searchEverywhereAll = () => search({ $search: 'safety boots' })
    // A word in no message, and one in every message but the reader's: the plans' worst cases
    const searchEverywhereNone = () => search({ $search: 'zeppelin' })
    const searchEverywhereElsewhere = () => search({ $search: 'overtime' })
    const searchByRelevance = (channel_id: number) =>
      search({ $search: `boots ${channel_id}`, $sort: { relevance: -1 } })
    // An admin's search of every channel (an internal call moderates as an admin does):
    // a word of one old channel, one in no message, and one in every message
    const adminSearch = (query: Record<string, unknown>) =>
      messagesService.find({ query: { $limit: 20, ...query } }).catch((error) => error.code)
    const oldChannel = Number(
      (await db('chat_channels').where('id', '>', PER_CHANNEL).min({ id: 'id' }))[0].id
    )
    const adminRare = () => adminSearch({ $search: `channel ${oldChannel}` })
    const adminNone = () => adminSearch({ $search: 'zeppelin' })
    const adminCommon = () => adminSearch({ $search: 'safety boots' })
    const adminCommonByRelevance = () => adminSearch({ $search: 'safety boots', $sort: { relevance: -1 } })

    log('timing')
    const figures = {
      messages: channels * PER_CHANNEL,
      channels,
      reader_channels: readerChannels.length,
      seeding_seconds: seeding,
      service_ms: {
        messages_newest_page: await timed(readerChannels, newest),
        messages_page_4_by_seq: await timed(readerChannels, (channel_id) =>
          messagesService.find({ query: { channel_id, seq: { $lt: 51 }, $limit: 50 }, ...as })
        ),
        messages_page_4_by_skip: await timed(readerChannels, (channel_id) =>
          messagesService.find({ query: { channel_id, $skip: 150, $limit: 50 }, ...as })
        ),
        channels_first_page: await timed(calls, firstChannels),
        channels_page_9_by_skip: await timed(calls, () =>
          channelsService.find({ query: { $limit: 50, $skip: 400 }, ...as })
        ),
        search_one_channel: await timed(readerChannels, searchOneChannel),
        search_500_channels_one_matches: await timed(readerChannels, searchEverywhere),
        search_500_channels_all_match: await timed(calls.slice(0, 50), searchEverywhereAll),
        search_500_channels_no_match: await timed(calls.slice(0, 50), searchEverywhereNone),
        search_500_channels_word_only_elsewhere: await timed(calls.slice(0, 50), searchEverywhereElsewhere),
        search_500_channels_by_relevance: await timed(readerChannels.slice(0, 100), searchByRelevance),
        admin_search_one_old_channel: await timed(calls.slice(0, 20), adminRare),
        admin_search_no_match: await timed(calls.slice(0, 20), adminNone),
        admin_search_all_match: await timed(calls.slice(0, 20), adminCommon),
        admin_search_all_match_by_relevance_400: await timed(calls.slice(0, 5), adminCommonByRelevance)
      },
      rest_ms: {
        messages_newest_page: await timed(readerChannels, (id) =>
          rest(`/messages?channel_id=${id}&$limit=50`)
        ),
        channels_first_page: await timed(calls, () => rest('/channels?$limit=50'))
      },
      goals_p99_ms: {
        messages_newest_page: 2,
        channels_first_page: 20,
        search_one_channel: 20,
        search_500_channels_one_matches: 100,
        search_500_channels_all_match: 100,
        search_500_channels_no_match: 100,
        search_500_channels_word_only_elsewhere: 100,
        search_500_channels_by_relevance: 100
      }
    }
    const plans = {
      messages_newest_page: await plansOf(db, () => newest(readerChannels[7])),
      channels_first_page: await plansOf(db, firstChannels),
      search_one_channel: await plansOf(db, () => searchOneChannel(readerChannels[7])),
      search_500_channels_one_matches: await plansOf(db, () => searchEverywhere(readerChannels[7])),
      search_500_channels_all_match: await plansOf(db, searchEverywhereAll),
      search_500_channels_no_match: await plansOf(db, searchEverywhereNone),
      search_500_channels_word_only_elsewhere: await plansOf(db, searchEverywhereElsewhere),
      search_500_channels_by_relevance: await plansOf(db, () => searchByRelevance(readerChannels[7])),
      admin_search_one_old_channel: await plansOf(db, adminRare),
      admin_search_no_match: await plansOf(db, adminNone),
      admin_search_all_match: await plansOf(db, adminCommon),
      admin_search_all_match_by_relevance_400: await plansOf(db, adminCommonByRelevance)
    }
    return { scale: figures, plans }
  } finally {
    await server.close()
    if (kept) log(`timed ${kept} again`)
    else if (flag('scale-keep')) log(`kept ${testDatabaseUrl}`)
    else await dropTestDatabase()
  }
}
