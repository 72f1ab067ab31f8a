import type { Knex } from 'knex'

/**
 * Runs `call`, then re-runs each statement it sent to the database under `explain` (for
 * example `explain (analyze, buffers)`), on one pooled connection, and answers each
 * statement with the rows its EXPLAIN returned. A transaction's own statements (begin,
 * SET LOCAL) are replayed as they were, so its settings apply to the statements after
 * them, and its commit is a rollback: what EXPLAIN ANALYZE wrote is undone.
 */
export async function explainedStatements(db: Knex, call: () => Promise<unknown>, explain: string) {
  const statements: Array<{ sql: string; bindings: unknown[] }> = []
  const record = (query: { sql: string; bindings?: unknown[] }) =>
    statements.push({ sql: query.sql, bindings: query.bindings ?? [] })
  db.on('query', record)
  try {
    await call()
  } finally {
    db.off('query', record)
  }
  // The captured text has pg's own $n placeholders: run it on a pooled pg connection as is
  const connection = await db.client.acquireConnection()
  try {
    const explained: Array<{ sql: string; rows: Record<string, unknown>[] }> = []
    for (const { sql, bindings } of statements) {
      if (/^\s*(begin|set|commit|rollback)\b/i.test(sql)) {
        await connection.query(/^\s*commit/i.test(sql) ? 'rollback' : sql, bindings)
        continue
      }
      const { rows } = await connection.query(`${explain} ${sql}`, bindings)
      explained.push({ sql, rows })
    }
    return explained
  } finally {
    db.client.releaseConnection(connection)
  }
}
