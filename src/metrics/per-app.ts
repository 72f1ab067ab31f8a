import type { Registry } from 'prom-client'
import type { Application } from '../declarations'
import { metricsOf } from './registry'

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

/**
 * What `promise` gives if it settles within `ms`, else undefined (it runs on regardless).
 * A scrape that needs the database must not wait for it when the pool is exhausted:
 * that is when the pool's figures matter most, and Prometheus gives up on a slow scrape.
 */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/** How long a scrape waits for a figure read from a dependency before it keeps the last one. */
export const SCRAPE_WAIT_MS = 500
