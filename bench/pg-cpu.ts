/**
 * PostgreSQL's CPU per message on the send path, beside a raw single-row INSERT into a
 * table with chat_messages' columns and indexes: the CPU time (utime + stime from
 * /proc) of the backends serving the service's connections, and of the raw client's
 * backend, over N messages, divided by N. Also the WAL written per message, whether the
 * send's updates of chat_channels and chat_participants are HOT, and EXPLAIN (ANALYZE,
 * BUFFERS, WAL) of the send statement, run in a transaction that is rolled back. The raw
 * insert runs twice: without the message search vector and with it (generated tsvector
 * and GIN index), which is what full-text search costs each write; --pg-cpu-search
 * (pg-cpu-search.ts) measures it on the service's sends instead, in alternating rounds.
 *
 *   npm run bench -- --pg-cpu [--pg-messages 3000]
 *
 * The database server is shared: the WAL position moves with every database's writes,
 * so the EXPLAIN's WAL figure (that statement alone) is the one to compare.
 */
import type { Knex } from 'knex'
import pg from 'pg'
import { createTestDatabase, dropTestDatabase, testDatabaseUrl } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import { buildBooking, openBookingChannel } from '../test/helpers/factories'
import { sleep } from '../test/helpers/clients'
import { cpuMicros, round } from './figures'
import { option } from './options'

const TABLES = ['chat_channels', 'chat_participants', 'chat_messages']

/** CPU of the database's backends other than `except`, by pid. */
export async function backendCpu(db: pg.Client, except: number[]) {
  const { rows } = await db.query(
    `select pid from pg_stat_activity where datname = current_database() and pid <> all($1)`,
    [except]
  )
  return new Map<number, number>(rows.map(({ pid }) => [pid, cpuMicros(pid)]))
}

export const cpuSpent = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, micros]) => sum + micros - (before.get(pid) ?? 0), 0)

/** Updates and HOT updates so far, per table (statistics are flushed about once a second). */
async function updates(db: pg.Client) {
  await sleep(1500)
  await db.query('select pg_stat_clear_snapshot()')
  const { rows } = await db.query(
    `select relname, n_tup_upd::int as upd, n_tup_hot_upd::int as hot from pg_stat_user_tables where relname = any($1)`,
    [TABLES]
  )
  return Object.fromEntries(rows.map((row) => [row.relname, { upd: row.upd, hot: row.hot }]))
}

const walLsn = async (db: pg.Client) =>
  (await db.query('select pg_current_wal_lsn() as lsn')).rows[0].lsn as string
const walBytes = async (db: pg.Client, from: string) =>
  Number((await db.query('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1) as n', [from])).rows[0].n)

async function explainRolledBack(db: pg.Client, sql: string, values: unknown[]) {
  await db.query('begin')
  try {
    return (await db.query(`explain (analyze, buffers, wal) ${sql}`, values)).rows.map(
      (row) => row['QUERY PLAN'] as string
    )
  } finally {
    await db.query('rollback')
  }
}

/** Runs `work`, returning the database CPU per message and WAL bytes per message it cost. */
async function measured(observer: pg.Client, except: number[], n: number, work: () => Promise<void>) {
  const cpuBefore = await backendCpu(observer, except)
  const lsn = await walLsn(observer)
  await work()
  const wal = await walBytes(observer, lsn)
  const cpuAfter = await backendCpu(observer, except)
  return {
    cpu_us_per_message: round(cpuSpent(cpuBefore, cpuAfter) / n, 1),
    wal_bytes_per_message: Math.round(wal / n)
  }
}

export async function pgCpu() {
  const n = option('pg-messages', 3000)
  await createTestDatabase()
  const server = await startApp()
  const observer = new pg.Client({ connectionString: testDatabaseUrl })
  const raw = new pg.Client({ connectionString: testDatabaseUrl })
  try {
    await Promise.all([observer.connect(), raw.connect()])
    const db: Knex = server.app.get('postgresqlClient')
    const world = await buildBooking(server.app)
    const channel = await openBookingChannel(server.app, world)
    const sender = await server.app.service('users').get(world.worker.id)
    const send = (i: number) =>
      server.app
        .service('messages')
        .create({ channel_id: channel.id, content: `message ${i} of the CPU bench` }, { user: sender })
    // The send statement as the service runs it, captured from knex's query event
    let sendStatement: { sql: string; bindings: unknown[] } | undefined
    const capture = (query: { sql: string; bindings: unknown[]; prepared?: string }) => {
      if (query.prepared) sendStatement ??= query
    }
    db.on('query', capture)
    for (let i = 0; i < 50; i++) await send(i) // warms the pool's connections and their prepared statement
    db.off('query', capture)

    const rawPid = (await raw.query('select pg_backend_pid() as pid')).rows[0].pid
    const observerPid = (await observer.query('select pg_backend_pid() as pid')).rows[0].pid
    const updatesBefore = await updates(observer)
    let statements = 0
    const count = () => statements++
    db.on('query', count)
    const service = await measured(observer, [observerPid, rawPid], n, async () => {
      for (let i = 0; i < n; i++) await send(i)
    })
    db.off('query', count)
    const updatesAfter = await updates(observer)

    // The raw insert without the search vector (as before message search), and with it
    // (the generated tsvector and its GIN index): the difference is what search costs a write
    const rawTable = async (name: string, search: boolean) => {
      await raw.query(
        `create table ${name} (like chat_messages including defaults including constraints including indexes including generated)`
      )
      if (!search) await raw.query(`alter table ${name} drop column search_vector`)
      await raw.query(
        `create sequence ${name}_id; alter table ${name} alter id set default nextval('${name}_id')`
      )
      const insert = `insert into ${name} (channel_id, seq, sender_id, content) values ($1, $2, $3, $4)`
      const cost = await measured(observer, [observerPid], n, async () => {
        for (let i = 1; i <= n; i++)
          await raw.query(insert, [channel.id, i, sender.id, `message ${i} of the CPU bench`])
      })
      return { insert, cost }
    }
    const { insert, cost: rawSide } = await rawTable('bench_raw_messages', false)
    const { cost: rawWithSearch } = await rawTable('bench_raw_messages_searched', true)

    const delta = (table: string) => ({
      updates: updatesAfter[table].upd - updatesBefore[table].upd,
      hot_updates: updatesAfter[table].hot - updatesBefore[table].hot
    })
    const indexes = (
      await observer.query(
        `select tablename, indexname, indexdef from pg_indexes where tablename = any($1) order by 1, 2`,
        [TABLES]
      )
    ).rows
    return {
      pg_cpu: {
        messages: n,
        service_send: { ...service, statements_per_message: round(statements / n, 2) },
        raw_insert: rawSide,
        raw_insert_with_search_vector: rawWithSearch,
        ratio: {
          cpu: round(service.cpu_us_per_message / rawSide.cpu_us_per_message, 2),
          wal: round(service.wal_bytes_per_message / rawSide.wal_bytes_per_message, 2),
          search_vector_cpu: round(rawWithSearch.cpu_us_per_message / rawSide.cpu_us_per_message, 2),
          search_vector_wal: round(rawWithSearch.wal_bytes_per_message / rawSide.wal_bytes_per_message, 2)
        },
        hot: { chat_channels: delta('chat_channels'), chat_participants: delta('chat_participants') }
      },
      send_plan: sendStatement
        ? await explainRolledBack(observer, sendStatement.sql, sendStatement.bindings)
        : 'not captured',
      raw_insert_plan: await explainRolledBack(observer, insert, [channel.id, n + 1, sender.id, 'one more']),
      indexes: indexes.map((row) => row.indexdef)
    }
  } finally {
    await Promise.all([observer.end(), raw.end()])
    await server.close()
    await dropTestDatabase()
  }
}
