import type { Registry } from 'prom-client'
import type { Application } from '../declarations'
import { metricsOf } from '../http/metrics'

/**
 * One set of metrics per app, registered on its registry the first time anything asks
 * for them: tests run several apps in one process, and a metric name may be registered
 * once per registry only.
 */
export function perApp<T>(create: (registers: Registry[], app: Application) => T): (app: Application) => T {
  const made = new WeakMap<Application, T>()
  return (app) => {
    if (!made.has(app)) made.set(app, create([metricsOf(app).registry], app))
    return made.get(app)!
  }
}

/** Seconds since `start` (from `process.hrtime.bigint()`), as the histograms take them. */
export const secondsSince = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9
