import { Counter } from 'prom-client'
import type { Application } from '../../declarations'
import { metricsOf } from '../../http/metrics'

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
