import { Counter, Histogram } from 'prom-client'
import type { Application, HookContext, NextFunction } from '../declarations'
import { perApp, secondsSince } from './per-app'

type CallLabels = 'service' | 'method' | 'transport'

// From a cached read (a few ms) to a call that waits for the database's whole timeout
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export const callMetrics = perApp((registers) => ({
  calls: new Counter<CallLabels | 'code'>({
    name: 'chat_service_calls_total',
    help: 'Service method calls by service, method, transport (rest, socketio, internal) and the status code they answered',
    labelNames: ['service', 'method', 'transport', 'code'],
    registers
  }),
  duration: new Histogram<CallLabels>({
    name: 'chat_service_call_duration_seconds',
    help: 'How long service method calls took, by service, method and transport, errors included',
    labelNames: ['service', 'method', 'transport'],
    buckets: CALL_BUCKETS,
    registers
  })
}))

// What a REST client would have been answered, for every transport alike (the access log says the same)
export const successCode = (context: HookContext) =>
  context.http?.status ?? (context.method === 'create' ? 201 : 200)
export const errorCode = (error: any) =>
  Number.isInteger(error?.code) && error.code >= 400 && error.code < 600 ? error.code : 500

/**
 * Around every service call, outside the error translation's hook so that it sees the
 * code the caller gets. Labels are the service's path and method (a fixed set), never
 * an id or a person.
 */
export const recordCalls = (app: Application) => {
  const { calls, duration } = callMetrics(app)
  return async (context: HookContext, next: NextFunction) => {
    const labels = {
      service: context.path,
      method: context.method,
      transport: context.params.provider ?? 'internal'
    }
    const start = process.hrtime.bigint()
    try {
      await next()
      calls.inc({ ...labels, code: successCode(context) })
    } catch (error) {
      calls.inc({ ...labels, code: errorCode(error) })
      throw error
    } finally {
      duration.observe(labels, secondsSince(start))
    }
  }
}
