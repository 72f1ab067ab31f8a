import type { Knex } from 'knex'

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Actual Rows': number
  'Actual Loops': number
  'Rows Removed by Filter'?: number
  'Rows Removed by Index Recheck'?: number
  Plans?: PlanNode[]
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)]

/**
 * What one search read of chat_messages, summed over every statement it ran: the rows
 * its scans of the table produced or filtered out (EXPLAIN ANALYZE, JSON), and the
 * indexes they went through. Statements of a transaction are explained in one, rolled back.
 */
export async function messageRowsRead(db: Knex, search: () => Promise<unknown>) {
  const statements: Array<{ sql: string; bindings: unknown[] }> = []
  const record = (query: { sql: string; bindings?: unknown[] }) =>
    statements.push({ sql: query.sql, bindings: query.bindings ?? [] })
  db.on('query', record)
  try {
    await search()
  } finally {
    db.off('query', record)
  }
  const connection = await db.client.acquireConnection()
  try {
    let rows = 0
    const indexes = new Set<string>()
    for (const { sql, bindings } of statements) {
      // A transaction's settings (SET LOCAL) apply to its statements as they did in the call
      if (/^\s*(begin|set)\b/i.test(sql)) {
        await connection.query(sql, bindings)
        continue
      }
      if (/^\s*(commit|rollback)\b/i.test(sql)) {
        await connection.query('rollback')
        continue
      }
      const { rows: explained } = await connection.query(`explain (analyze, format json) ${sql}`, bindings)
      for (const node of nodesOf(explained[0]['QUERY PLAN'][0].Plan)) {
        if (node['Relation Name'] === 'chat_messages') {
          const perLoop =
            node['Actual Rows'] +
            (node['Rows Removed by Filter'] ?? 0) +
            (node['Rows Removed by Index Recheck'] ?? 0)
          rows += perLoop * node['Actual Loops']
        }
        if (node['Index Name']) indexes.add(node['Index Name'])
      }
    }
    return { rows, indexes }
  } finally {
    db.client.releaseConnection(connection)
  }
}
