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

  return {
    async run<Row>(db: Knex, values: Values): Promise<Row[]> {
      if (isEmbedded(db)) return (await db.raw(text, values as Knex.ValueDict)).rows as Row[]
      const bindings = names.map((binding) => {
        if (!(binding in values)) throw new Error(`statement ${name}: no value for :${binding}`)
        return values[binding]
      })
      db.emit('query', { sql: positional, bindings, method: 'raw', prepared: name })
      try {
        return await runOnPooledConnection<Row>(db, { name, text: positional, values: bindings })
      } catch (error: any) {
        if (error?.code !== CACHED_PLAN_CHANGED) throw error
        // A migration changed a table under the prepared plan: prepare it again elsewhere
        return runOnPooledConnection<Row>(db, { name, text: positional, values: bindings })
      }
    }
  }
}

async function runOnPooledConnection<Row>(db: Knex, query: pg.QueryConfig): Promise<Row[]> {
  const connection: pg.Client & { __knex__disposed?: unknown } = await db.client.acquireConnection()
  try {
    return (await connection.query<any>(query)).rows as Row[]
  } catch (error: any) {
    // knex's pool then closes this connection instead of lending it again with the stale plan
    if (error?.code === CACHED_PLAN_CHANGED) connection.__knex__disposed = error
    throw error
  } finally {
    db.client.releaseConnection(connection)
  }
}
