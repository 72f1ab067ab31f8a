import { Counter, Gauge, Histogram } from 'prom-client'
import type { Knex } from 'knex'
import type { Application } from '../declarations'
import { perApp, secondsSince } from './per-app'

// tarn's pool, as knex keeps it (`knex.client.pool`): only what is read here
interface TarnPool {
  max: number
  numUsed(): number
  numFree(): number
  numPendingAcquires(): number
  numPendingCreates(): number
  on(event: string, listener: (...args: any[]) => void): void
}

const poolOf = (db: Knex): TarnPool | undefined => (db.client as any).pool

// Free in a microsecond; a wait for a connection lasts until one is released or knex gives up (5 s)
const ACQUIRE_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

const poolMetrics = perApp((registers, app) => {
  const pool = () => poolOf(app.get('postgresqlClient'))
  return {
    connections: new Gauge<'state'>({
      name: 'chat_database_pool_connections',
      help: 'Database connections of this instance’s pool: used (lent to a query), free (idle), pending (being opened)',
      labelNames: ['state'],
      registers,
      collect() {
        const current = pool()
        this.set({ state: 'used' }, current?.numUsed() ?? 0)
        this.set({ state: 'free' }, current?.numFree() ?? 0)
        this.set({ state: 'pending' }, current?.numPendingCreates() ?? 0)
      }
    }),
    max: new Gauge({
      name: 'chat_database_pool_max_connections',
      help: 'The most connections the pool opens (database.pool.max; 1 on the embedded database)',
      registers,
      collect() {
        this.set(pool()?.max ?? 0)
      }
    }),
    waiting: new Gauge({
      name: 'chat_database_pool_pending_acquires',
      help: 'Queries waiting for a connection of the pool: above 0 for long, the pool is exhausted',
      registers,
      collect() {
        this.set(pool()?.numPendingAcquires() ?? 0)
      }
    }),
    acquire: new Histogram({
      name: 'chat_database_pool_acquire_duration_seconds',
      help: 'How long a query waited for a connection of the pool',
      buckets: ACQUIRE_BUCKETS,
      registers
    }),
    acquireFailures: new Counter({
      name: 'chat_database_pool_acquire_failures_total',
      help: 'Queries that got no connection: the wait timed out (knex’s acquireConnectionTimeout) or opening one failed',
      registers
    })
  }
})

/** Times every wait for a connection, from tarn's own events; the gauges read the pool at each scrape. */
export function watchPool(app: Application, db: Knex) {
  const metrics = poolMetrics(app)
  const pool = poolOf(db)
  if (!pool) return
  const started = new Map<number, bigint>()
  pool.on('acquireRequest', (id: number) => started.set(id, process.hrtime.bigint()))
  const finish = (id: number) => {
    const start = started.get(id)
    started.delete(id)
    if (start !== undefined) metrics.acquire.observe(secondsSince(start))
  }
  pool.on('acquireSuccess', finish)
  pool.on('acquireFail', (id: number) => {
    finish(id)
    metrics.acquireFailures.inc()
  })
}
