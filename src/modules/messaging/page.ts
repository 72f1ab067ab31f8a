import type { Knex } from 'knex'
import type { Paginated } from '@feathersjs/feathers'
import type { Application } from '../../declarations'

/** How many rows a page holds and how many it passes over, as Feathers paginates. */
export function pageBounds(app: Application, query: { $limit?: number; $skip?: number }) {
  const paginate = app.get('paginate')!
  return { limit: Math.min(query.$limit ?? paginate.default, paginate.max), skip: query.$skip ?? 0 }
}

/**
 * One page of `base` as Feathers paginates: the total of all matching rows, then at
 * most the configured maximum of them, ordered by `order`. `totals` are further sums
 * over all matching rows, read in the same statement as the total.
 */
export async function page<T, K extends string = never>(
  app: Application,
  base: Knex.QueryBuilder,
  query: { $limit?: number; $skip?: number },
  order: (builder: Knex.QueryBuilder) => Knex.QueryBuilder,
  totals: Record<K, string> = {} as Record<K, string>
): Promise<Paginated<T> & Record<K, number>> {
  const { limit, skip } = pageBounds(app, query)
  const db = app.get('postgresqlClient')
  const sums = Object.entries<string>(totals).map(([name, sql]) =>
    db.raw(`coalesce(sum(${sql}), 0) as ??`, [name])
  )
  const [counted] = await base.clone().clearSelect().clearOrder().count({ total: '*' }).select(sums)
  const data = limit === 0 ? [] : await order(base).limit(limit).offset(skip)
  const sumsOf = Object.fromEntries(Object.keys(totals).map((name) => [name, Number(counted[name])]))
  return { total: Number(counted.total), limit, skip, data, ...sumsOf } as Paginated<T> & Record<K, number>
}
