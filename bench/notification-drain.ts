/**
 * How fast the notification worker drains a backlog: N deliveries due at once (half SMS,
 * half push, one of each per person and channel, every one of them to be sent), the log
 * providers, one instance without Redis (presence and the SMS cap in memory).
 *
 *   npm run bench -- --notification-drain [--deliveries 20000 --poll-ms 1000]
 *
 * The queue is written straight in SQL (notification-drain-seed.ts) as the planner would
 * write it: this measures the worker (scheduler.ts, delivery-queue.ts), not the planner.
 * The app starts with the worker off (poll_ms 0); once the queue is seeded and analyzed
 * the worker is started with the production default poll_ms, and the clock runs from that
 * call until no row is pending, claimed or being sent, so the first poll interval counts,
 * as it does after a restart. Reports the rate overall and by outcome (the rows' status),
 * the worker passes, statements per delivery, the process's CPU (app and bench share it)
 * and the CPU of the database's client backends (from /proc, as in pg-cpu.ts).
 */
import { performance } from 'perf_hooks'
import pg from 'pg'
import type { Knex } from 'knex'
import { createTestDatabase, dropTestDatabase, testDatabaseUrl } from '../test/helpers/database'
import { startApp } from '../test/helpers/app'
import { sleep } from '../test/helpers/clients'
import { notificationsOf } from '../src/modules/notifications'
import type { LogPushProvider, LogSmsProvider } from '../src/modules/notifications/providers/log'
import { seedDrain } from './notification-drain-seed'
import { cpuMicros, round, spread } from './figures'
import { option } from './options'

// config/default.json's poll_ms, which production does not override; --poll-ms shows how
// much of the rate the interval holds back (a pass starts only on a tick)
const DEFAULT_POLL_MS = 1000
const SAMPLE_MS = 250
// No progress for this long means the worker is stuck, not slow
const STALL_MS = 120_000

/** CPU so far of the database's client backends, by pid, kept for backends that have since gone. */
class BackendCpu {
  private first = new Map<number, number>()
  private last = new Map<number, number>()
  private started = false

  constructor(
    private observer: pg.Client,
    private observerPid: number
  ) {}

  async sample() {
    const { rows } = await this.observer.query(
      `select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> $1`,
      [this.observerPid]
    )
    for (const { pid } of rows) {
      try {
        const micros = cpuMicros(pid)
        // A backend first seen mid-run started during it: all its CPU counts
        if (!this.first.has(pid)) this.first.set(pid, this.started ? 0 : micros)
        this.last.set(pid, micros)
      } catch {
        // gone between the query and the read
      }
    }
  }

  async start() {
    await this.sample()
    this.started = true
  }

  seconds = () => [...this.last].reduce((sum, [pid, micros]) => sum + micros - this.first.get(pid)!, 0) / 1e6
}

const openRows = async (observer: pg.Client) =>
  (
    await observer.query(
      `select count(*)::int as n from notifications
       where status = 'pending' or (status = 'deferred' and scheduled_for <= now()) or claimed_until is not null or sending_at is not null`
    )
  ).rows[0].n as number

export async function notificationDrain() {
  const people = Math.ceil(option('deliveries', 20000) / 2)
  const pollMs = option('poll-ms', DEFAULT_POLL_MS)
  await createTestDatabase()
  const server = await startApp({ notifications: { poll_ms: 0 } })
  const observer = new pg.Client({ connectionString: testDatabaseUrl })
  try {
    await observer.connect()
    const db: Knex = server.app.get('postgresqlClient')
    const seedStarted = performance.now()
    const seeded = await seedDrain(db, people)
    const seedSeconds = (performance.now() - seedStarted) / 1000

    const module = notificationsOf(server.app)
    const { scheduler } = module
    // Each pass that claimed rows, timed from its tick to its end: a tick that finds a pass
    // still running joins it (runOnce returns the same promise)
    const passes: number[] = []
    const runOnce = scheduler.runOnce.bind(scheduler)
    let current: Promise<number> | undefined
    scheduler.runOnce = () => {
      const started = performance.now()
      const pass = runOnce()
      if (pass !== current) {
        current = pass
        void pass.then((claimed) => claimed && passes.push(performance.now() - started))
      }
      return pass
    }
    let statements = 0
    const count = () => statements++
    const backends = new BackendCpu(
      observer,
      (await observer.query('select pg_backend_pid() as pid')).rows[0].pid
    )
    await backends.start()

    db.on('query', count)
    const cpuBefore = process.cpuUsage()
    server.app.set('notifications', { ...server.app.get('notifications'), poll_ms: pollMs })
    const started = performance.now()
    scheduler.start()
    let open = seeded.queued
    let progressAt = started
    let reportedAt = started
    while (open > 0) {
      await sleep(SAMPLE_MS)
      await backends.sample()
      const now = await openRows(observer)
      if (now < open) progressAt = performance.now()
      open = now
      if (performance.now() - progressAt > STALL_MS) break
      if (performance.now() - reportedAt > 30_000) {
        reportedAt = performance.now()
        console.error(
          `notification drain: ${seeded.queued - open} of ${seeded.queued} finished after ${round((reportedAt - started) / 1000, 0)} s`
        )
      }
    }
    const seconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    db.off('query', count)
    await backends.sample()

    const outcomes: { status: string; reason: string | null; n: number }[] = (
      await observer.query(
        `select status, reason, count(*)::int as n from notifications group by status, reason order by n desc`
      )
    ).rows
    const byStatus = (status: string) =>
      outcomes.filter((row) => row.status === status).reduce((sum, row) => sum + row.n, 0)
    const finished = seeded.queued - open
    const perSecond = (n: number) => round(n / seconds, 1)
    const [sms, push] = [module.providers.sms as LogSmsProvider, module.providers.push as LogPushProvider]
    return {
      notification_drain: {
        deliveries: seeded.queued,
        people: seeded.recipients,
        seed_seconds: round(seedSeconds, 1),
        poll_ms: pollMs,
        seconds: round(seconds, 1),
        finished,
        left_open: open,
        finished_per_s: perSecond(finished),
        per_s: {
          sent: perSecond(byStatus('sent')),
          skipped: perSecond(byStatus('skipped')),
          deferred: perSecond(byStatus('deferred')),
          failed: perSecond(byStatus('failed'))
        },
        outcomes: {
          sent: byStatus('sent'),
          skipped: byStatus('skipped'),
          deferred: byStatus('deferred'),
          failed: byStatus('failed')
        },
        // Why anything was not sent (every row is meant to be)
        not_sent_reasons: outcomes
          .filter((row) => row.status !== 'sent' && row.status !== 'pending')
          .map(({ status, reason, n }) => ({ status, reason, n })),
        provider_calls: { sms: sms.sent.length, push: push.sent.length },
        passes: passes.length,
        pass: spread(passes),
        statements_per_delivery: round(statements / Math.max(finished, 1), 1),
        process_cpu_s: round((cpu.user + cpu.system) / 1e6, 1),
        postgres_backends_cpu_s: round(backends.seconds(), 1),
        max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024)
      }
    }
  } finally {
    await observer.end()
    await server.close()
    await dropTestDatabase()
  }
}
