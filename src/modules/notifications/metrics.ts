import { Counter, Gauge } from 'prom-client'
import type { Application } from '../../declarations'
import { metricsOf } from '../../metrics/registry'
import { SCRAPE_WAIT_MS, within } from '../../metrics/per-app'

const counters = new WeakMap<Application, Counter<'kind' | 'provider' | 'status'>>()

/** Deliveries by kind, provider and the status they reached, on /metrics. */
export const deliveryCounter = (app: Application) => {
  if (!counters.has(app)) {
    counters.set(
      app,
      new Counter({
        name: 'chat_notification_deliveries_total',
        help: 'Notification deliveries by kind, provider and the status they reached',
        labelNames: ['kind', 'provider', 'status'],
        registers: [metricsOf(app).registry]
      })
    )
  }
  return counters.get(app)!
}

/**
 * The backlog, for alerts: how many deliveries are open (pending or deferred) and how long
 * the oldest one that is due has waited past its time. Both grow when the workers fall
 * behind or a provider keeps failing; read from the table at each scrape.
 */
export function backlogGauges(app: Application, now: () => Date) {
  const registers = [metricsOf(app).registry]
  // Both gauges are collected at once in a scrape: one read serves the two
  let reading: Promise<{ open: number; waited: number } | undefined> | undefined
  const read = () =>
    (reading ??= app
      .get('postgresqlClient')
      .raw(
        `select count(*)::int as open,
           coalesce(extract(epoch from (:at::timestamptz - min(scheduled_for) filter (where scheduled_for <= :at::timestamptz))), 0)::float as waited
         from notifications where status in ('pending', 'deferred')`,
        { at: now().toISOString() }
      )
      .then(({ rows }: { rows: { open: number; waited: number }[] }) => rows[0])
      // A scrape while the database is away keeps the last figures rather than failing /metrics
      .catch(() => undefined)
      .finally(() => (reading = undefined)))
  const gauges: Array<[string, string, (figures: { open: number; waited: number }) => number]> = [
    ['chat_notifications_open', 'Notification deliveries pending or deferred', (figures) => figures.open],
    [
      'chat_notifications_oldest_due_seconds',
      'How long the oldest due notification delivery has waited past its time (0: none is waiting)',
      (figures) => figures.waited
    ]
  ]
  for (const [name, help, figure] of gauges) {
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        // With the pool exhausted the read waits; the scrape does not, and keeps the last figures
        const figures = await within(read(), SCRAPE_WAIT_MS)
        if (figures) this.set(figure(figures))
      }
    })
  }
}
