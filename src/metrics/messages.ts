import { Counter, Histogram } from 'prom-client'
import { perApp } from './per-app'

// A send statement takes a millisecond or two when the channel's row is free
const STATEMENT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

export const messageMetrics = perApp((registers) => ({
  sent: new Counter<'transport'>({
    name: 'chat_messages_sent_total',
    help: 'Messages written, by the transport of the send (a client_id sent again is not counted twice)',
    labelNames: ['transport'],
    registers
  }),
  sendStatement: new Histogram({
    name: 'chat_message_send_statement_duration_seconds',
    help: 'How long one send statement (or one transaction of several sends to a channel) took',
    buckets: STATEMENT_BUCKETS,
    registers
  }),
  flushBarrier: new Histogram({
    name: 'chat_message_flush_barrier_duration_seconds',
    help: 'How long a flush barrier took to commit: the wait between a send’s commit and its answer (none on the embedded database)',
    buckets: STATEMENT_BUCKETS,
    registers
  })
}))
