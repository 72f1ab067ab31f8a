import type { Knex } from 'knex'
import type pg from 'pg'
import { isEmbedded } from './postgresql'

type Values = Record<string, unknown>

// "cached plan must not change result type": the statement's tables changed since it was prepared
const CACHED_PLAN_CHANGED = '0A000'

export interface PreparedStatement {
  run<Row>(db: Knex, values: Values): Promise<Row[]>
}

/**
 * A statement that PostgreSQL parses and plans once per connection, for the hottest
 * path only. knex has no prepared statements: a raw statement with named bindings is
 * rewritten by knex and planned by PostgreSQL on every call (for the send statement,
 * about a tenth of the service's CPU per message and most of the database's parse and
 * plan time). With pg, this runs as a named statement on a connection of knex's own
 * pool; it still announces itself through knex's `query` event, so query logs and
 * counts see it as any other statement. On the embedded database it goes through
 * `knex.raw`, unchanged.
 *
 * `text` uses knex's named bindings (`:name`); each name becomes one `$n`.
 */
export function preparedStatement(name: string, text: string): PreparedStatement {
  const names: string[] = []
  const positional = text.replace(/(?<![:\w]):(\w+)/g, (_match, binding: string) => {
    if (!names.includes(binding)) names.push(binding)
    return `$${names.indexOf(binding) + 1}`
  })

  const queryOf = (values: Values): pg.QueryConfig => ({
    name,
    text: positional,
    values: names.map((binding) => {
      if (!(binding in values)) throw new Error(`statement ${name}: no value for :${binding}`)
      return values[binding]
    })
  })
  const announce = (db: Knex, query: pg.QueryConfig) =>
    db.emit('query', { sql: query.text, bindings: query.values, method: 'raw', prepared: name })

  return {
    async run<Row>(db: Knex, values: Values): Promise<Row[]> {
      if (isEmbedded(db)) return (await db.raw(text, values as Knex.ValueDict)).rows as Row[]
      const query = queryOf(values)
      announce(db, query)
      const rows = await withPooledConnection(
        db,
        async (connection) => (await connection.query<any>(query)).rows as Row[]
      )
      db.emit('query-response', rows, {
        sql: query.text,
        bindings: query.values,
        method: 'raw',
        prepared: name
      })
      return rows
    }
  }
}

/**
 * Lends `work` a connection of knex's pool. A plan made stale by a migration ("cached
 * plan must not change result type") closes that connection and the work runs once
 * more on another, where the statement is prepared again.
 */
async function withPooledConnection<T>(db: Knex, work: (connection: pg.Client) => Promise<T>): Promise<T> {
  try {
    return await onPooledConnection(db, work)
  } catch (error: any) {
    if (error?.code !== CACHED_PLAN_CHANGED) throw error
    return onPooledConnection(db, work)
  }
}

async function onPooledConnection<T>(db: Knex, work: (connection: pg.Client) => Promise<T>): Promise<T> {
  const connection: pg.Client & { __knex__disposed?: unknown } = await db.client.acquireConnection()
  try {
    return await work(connection)
  } catch (error: any) {
    // knex's pool then closes this connection instead of lending it again with the stale plan
    if (error?.code === CACHED_PLAN_CHANGED) connection.__knex__disposed = error
    throw error
  } finally {
    db.client.releaseConnection(connection)
  }
}
