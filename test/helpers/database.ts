import crypto from 'crypto'
import knex from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { migrate } from '../../src/database/migrate'
import type { TestServer } from './app'
import type { Application } from '../../src/declarations'

// A server-level connection used only to create and drop the run's own database
const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

const databaseName = `chat_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`

export const testDatabaseUrl = (() => {
  const url = new URL(adminUrl)
  url.pathname = `/${databaseName}`
  return url.toString()
})()

const withAdmin = async (work: (db: knex.Knex) => Promise<unknown>) => {
  const db = knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } })
  try {
    await work(db)
  } finally {
    await db.destroy()
  }
}

export async function createTestDatabase() {
  await withAdmin((db) => db.raw(`create database "${databaseName}"`))
  const db = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
  try {
    await migrate(db)
  } finally {
    await db.destroy()
  }
}

export async function dropTestDatabase() {
  await withAdmin((db) => db.raw(`drop database if exists "${databaseName}" with (force)`))
}

/** How many chat_messages rows the channel has, read straight from the app's database. */
export const countMessages = (server: TestServer, channelId: number) =>
  server.app
    .get('postgresqlClient')('chat_messages')
    .where({ channel_id: channelId })
    .count({ n: '*' })
    .then(([{ n }]) => Number(n))

/** What `work` returned, and the SQL of every statement the app ran while it was under way. */
export async function statementsDuring<T>(
  app: Application,
  work: () => Promise<T>
): Promise<{ result: T; statements: string[] }> {
  const db = app.get('postgresqlClient')
  const statements: string[] = []
  const listener = (query: { sql: string }) => statements.push(query.sql)
  db.on('query', listener)
  try {
    return { result: await work(), statements }
  } finally {
    db.off('query', listener)
  }
}

/**
 * A fresh, migrated database of one suite's own, for a suite that needs rows with chosen
 * ids (the documented examples' world): the run's database has other suites' rows.
 */
export async function createSuiteDatabase(label: string) {
  const name = `${databaseName}_${label}`
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  await withAdmin((db) => db.raw(`create database "${name}"`))
  const db = createKnex({ url: url.toString(), dataDir: '', pool: { min: 0, max: 2 } })
  try {
    await migrate(db)
  } finally {
    await db.destroy()
  }
  return {
    url: url.toString(),
    drop: () => withAdmin((admin) => admin.raw(`drop database if exists "${name}" with (force)`))
  }
}
