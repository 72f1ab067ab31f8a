import { Counter, Gauge } from 'prom-client'
import type { Application } from '../declarations'
import { checkReadiness } from './readiness'
import type { Readiness } from './readiness'
import { SCRAPE_WAIT_MS, perApp, within } from '../metrics/per-app'

const CHECKS = ['database', 'redis'] as const

// The last round of checks of each app, from a scrape or a /ready probe
const latest = new WeakMap<Application, Readiness>()

const readinessMetrics = perApp((registers, app) => {
  // The metrics of one scrape share one round of checks. It waits for a check that does
  // not answer at once no longer than SCRAPE_WAIT_MS: then the last round's figures are
  // shown (the new round still counts its failures when it ends)
  let checking: Promise<Readiness> | undefined
  const round = () =>
    (checking ??= checkReadiness(app)
      .then((readiness) => {
        recordReadiness(app, readiness)
        return readiness
      })
      .finally(() => (checking = undefined)))
  const current = async () => (await within(round(), SCRAPE_WAIT_MS)) ?? latest.get(app)
  return {
    ready: new Gauge({
      name: 'chat_ready',
      help: 'Whether /ready would answer 200 now (1) or 503 (0: a dependency cannot serve, or the instance drains)',
      registers,
      async collect() {
        const readiness = await current()
        if (readiness) this.set(readiness.ready ? 1 : 0)
      }
    }),
    check: new Gauge<'check'>({
      name: 'chat_ready_check',
      help: 'Whether each dependency of /ready serves (1) or not (0); absent when it is not configured',
      labelNames: ['check'],
      registers,
      async collect() {
        const readiness = await current()
        if (!readiness) return
        this.reset()
        for (const check of CHECKS) {
          if (readiness[check] !== 'not configured') this.set({ check }, readiness[check] === 'ok' ? 1 : 0)
        }
      }
    }),
    failures: new Counter<'check' | 'reason'>({
      name: 'chat_ready_check_failures_total',
      help: 'Readiness checks that failed, by dependency and reason (no answer, unreachable, wrong database index, read-only replica, cluster without slots, error)',
      labelNames: ['check', 'reason'],
      registers,
      // A scrape collects every metric at once: this one counts the scrape's own round too
      async collect() {
        await current()
      }
    })
  }
})

/** Counts the failed checks of one round (each /ready probe and each scrape runs one). */
export function recordReadiness(app: Application, readiness: Readiness) {
  latest.set(app, readiness)
  const { failures } = readinessMetrics(app)
  for (const check of CHECKS) {
    const reason = readiness.reasons[check]
    if (reason) failures.inc({ check, reason })
  }
}

export const installReadinessMetrics = (app: Application) => void readinessMetrics(app)
