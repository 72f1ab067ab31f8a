import { Counter } from 'prom-client'
import { perApp } from './per-app'

/**
 * Hits refused by a budget, by its name (calls, messages, static, connections,
 * calls_in_flight, the login budgets, phone codes, sms-per-number): each is a 429 for the
 * caller, except sms-per-number in the notification worker, which defers the delivery.
 */
export const rateLimitMetrics = perApp((registers) => ({
  refused: new Counter<'budget'>({
    name: 'chat_rate_limited_total',
    help: 'Hits refused by a rate or concurrency budget, by budget',
    labelNames: ['budget'],
    registers
  })
}))
