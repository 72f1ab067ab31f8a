import type { Knex } from 'knex'
import type { Paginated } from '@feathersjs/feathers'
import type { Application } from '../../declarations'

/**
 * One page of `base` as Feathers paginates: the total of all matching rows, then at
 * most the configured maximum of them, ordered by `order`.
 */
export async function page<T>(
  app: Application,
  base: Knex.QueryBuilder,
  query: { $limit?: number; $skip?: number },
  order: (builder: Knex.QueryBuilder) => Knex.QueryBuilder
): Promise<Paginated<T>> {
  const paginate = app.get('paginate')!
  const limit = Math.min(query.$limit ?? paginate.default, paginate.max)
  const skip = query.$skip ?? 0
  const [{ total }] = await base.clone().clearSelect().clearOrder().count({ total: '*' })
  const data = limit === 0 ? [] : await order(base).limit(limit).offset(skip)
  return { total: Number(total), limit, skip, data }
}
