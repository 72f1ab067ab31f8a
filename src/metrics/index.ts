import type { Application } from '../declarations'
import { callMetrics } from './calls'
import { checkpointMetrics } from './checkpoints'
import { connectionMetrics } from './connections'
import { deliveryMetrics } from './deliveries'
import { messageMetrics } from './messages'
import { rateLimitMetrics } from './rate-limits'
import { redisMetrics } from './redis'
import { watchPool } from './pool'

/**
 * Registers every metric at start, so that /metrics names each one (with its help and
 * type) before its first event: a dashboard or an alert finds the series it reads even
 * on an idle instance. Call once the database client is set.
 */
export function installMetrics(app: Application) {
  callMetrics(app)
  checkpointMetrics(app)
  connectionMetrics(app)
  deliveryMetrics(app)
  messageMetrics(app)
  rateLimitMetrics(app)
  redisMetrics(app)
  watchPool(app, app.get('postgresqlClient'))
}
