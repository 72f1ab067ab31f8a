import { Counter } from 'prom-client'
import { perApp } from './per-app'

export const checkpointMetrics = perApp((registers) => ({
  timestamps: new Counter<'outcome'>({
    name: 'chat_checkpoint_timestamps_total',
    help: 'Requests for an RFC 3161 time-stamp of a checkpoint, by outcome (stamped, failed: tried again later)',
    labelNames: ['outcome'],
    registers
  })
}))
