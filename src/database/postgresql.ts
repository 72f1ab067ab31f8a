import fs from 'fs'
import path from 'path'
import knex from 'knex'
import type { Knex } from 'knex'
import pg from 'pg'
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin'
import ClientPGlite from 'knex-pglite'
import { lockDataFolder } from './embedded-lock'
import { EMBEDDED_SETTINGS, initializeDataFolder } from './embedded-init'
import type { Application } from '../declarations'
import { logger } from '../logging/logger'

const INT8 = 20
const INT8_ARRAY = 1016
const TIMESTAMPTZ = 1184

const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ) as (value: string) => Date
const toIsoTimestamp = (value: string) => parseTimestamp(value).toISOString()

// Ids are bigint columns; pg returns them as strings and PGlite as numbers. Both are
// read as numbers (exact up to 2^53) and timestamps as ISO strings, so that every
// row has one shape whichever database serves it.
const pgParsers: Record<number, (value: string) => unknown> = {
  [INT8]: Number,
  [INT8_ARRAY]: (value: string) =>
    (pg.types.getTypeParser(INT8_ARRAY as any) as (v: string) => string[])(value).map(Number),
  [TIMESTAMPTZ]: toIsoTimestamp
}

// knex writes its own warnings to the console with stacks: they join the JSON log, one line each
const firstLine = (message: unknown) => String(message).split('\n')[0]
const knexLog = {
  warn: (message: unknown) => logger.warn('database client', { detail: firstLine(message) }),
  error: (message: unknown) => logger.error('database client', { detail: firstLine(message) }),
  deprecate: (method: string, alternative: string) =>
    logger.debug('database client', { deprecated: method, use: alternative }),
  debug: () => undefined
}

export interface DatabaseSettings {
  url: string | null
  dataDir: string
  pool: { min: number; max: number }
}

/**
 * Planner settings of the service's own sessions, for short queries over data held in
 * memory. JIT compiling took 25-110 ms in a channel list of 5-15 ms (the unread counts'
 * estimated cost passes jit_above_cost), and random_page_cost 4 (spinning disks) had a
 * person's 500 channels found by reading all 50,000 instead of through their index.
 */
const SESSION_SETTINGS = 'set jit = off; set random_page_cost = 1.1'

// knex promisifies afterCreate: it answers through `done` and returns nothing, since Node 22
// prints a deprecation warning (DEP0174) on stderr, outside the JSON log, for a function
// promisified that returns a promise
const withSessionSettings = (
  connection: pg.Client,
  done: (error: Error | null, connection: pg.Client) => void
): void => {
  connection.query(SESSION_SETTINGS).then(
    () => done(null, connection),
    (error: Error) => done(error, connection)
  )
}

export function createKnex({ url, dataDir, pool }: DatabaseSettings): Knex {
  if (url) {
    return knex({
      client: 'pg',
      log: knexLog,
      pool: { ...pool, afterCreate: withSessionSettings },
      // Fail fast with a 503 instead of hanging while the database is away
      acquireConnectionTimeout: 5000,
      connection: {
        connectionString: url,
        connectionTimeoutMillis: 3000,
        types: {
          getTypeParser: (oid: number, format?: any) => pgParsers[oid] ?? pg.types.getTypeParser(oid, format)
        }
      } as Knex.PgConnectionConfig
    })
  }
  return createEmbeddedKnex(dataDir)
}

function createEmbeddedKnex(dataDir: string): Knex {
  const memory = dataDir === 'memory://'
  if (!memory) fs.mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true })
  const release = memory ? () => undefined : lockDataFolder(path.resolve(dataDir))
  try {
    if (!memory) initializeDataFolder(path.resolve(dataDir))
    // One options object: PGlite reads its second argument only after a data folder, so
    // a database in memory given `(undefined, options)` silently started without them
    const pglite = new PGlite({
      dataDir: memory ? undefined : path.resolve(dataDir),
      parsers: { [pgliteTypes.TIMESTAMPTZ]: toIsoTimestamp },
      postgresqlconf: EMBEDDED_SETTINGS,
      // Message search folds accents with one (migrations/20261207000300_message-search.ts)
      // and finds a person's channels' matches with the other (20261208000100)
      extensions: { unaccent, btree_gin }
    })
    // The folder is released only once PGlite has closed it cleanly (a checkpoint, so the
    // next start needs no recovery and sequences continue where they stopped)
    class ClosingClient extends (ClientPGlite as any) {
      async destroy(callback?: unknown) {
        try {
          return await super.destroy(callback)
        } finally {
          if (!pglite.closed) await pglite.close()
          release()
        }
      }
    }
    return knex({ client: ClosingClient as any, connection: () => ({ pglite }) as any })
  } catch (error) {
    release()
    throw error
  }
}

export const postgresql = (app: Application) => {
  const db = createKnex(app.get('database'))
  app.set('postgresqlClient', db)
}

export const isEmbedded = (db: Knex) => db.client.config.client !== 'pg'
