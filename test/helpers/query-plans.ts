import type { Knex } from 'knex'
import { explainedStatements } from '../../bench/explained-statements'

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
  let rows = 0
  const indexes = new Set<string>()
  for (const explained of await explainedStatements(db, search, 'explain (analyze, format json)')) {
    const [{ Plan: plan }] = explained.rows[0]['QUERY PLAN'] as Array<{ Plan: PlanNode }>
    for (const node of nodesOf(plan)) {
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
}
