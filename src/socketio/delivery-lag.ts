import { Cluster } from 'ioredis'
import calculateSlot from 'cluster-key-slot'
import type { Server } from 'socket.io'
import type { Application } from '../declarations'
import { logger } from '../logging/logger'
import { beforeTeardown } from '../process/teardown'
import { closeTransports } from './end-connections'
import { publish, redisKey } from '../redis/redis'
import type { RedisClient } from '../redis/redis'
import { redisMetrics } from '../metrics/redis'

const PROBE_EVERY_MS = 1000

export const lagProbeChannel = (app: Application) => redisKey(app, 'lag-probe', app.get('instanceId'))

/**
 * The probe channels: one, or on a cluster with sharded pub/sub one per master. There
 * the adapter's traffic reaches an instance over one connection per master, and a
 * backlog on one of them would go unseen by a probe that crosses another; a hash tag
 * puts each probe channel on a slot of a different master. Read again on every probe,
 * so that a reshard is followed.
 */
export function probeChannels(app: Application, sharded: boolean): string[] {
  const client = app.get('redisClient')!
  const base = lagProbeChannel(app)
  if (!sharded || !(client instanceof Cluster)) return [base]
  const masters = new Set(client.slots.map((owners) => owners?.[0]).filter(Boolean))
  const byMaster = new Map<string, string>()
  for (let n = 0; byMaster.size < masters.size && n < 10_000; n++) {
    const channel = `${base}:{${n}}`
    const master = client.slots[calculateSlot(channel)]?.[0]
    if (master && !byMaster.has(master)) byMaster.set(master, channel)
  }
  return byMaster.size ? [...byMaster.values()] : [base]
}

/**
 * The Redis adapter has no backpressure: an instance that cannot keep up falls
 * further behind while senders are still acknowledged. Each instance sends itself a
 * timestamp every second through the subscriber connection that carries the adapter's
 * traffic, which is first in, first out; when it arrives later than the bound, the
 * instance closes its connections' transports. Rooms without sockets make the backlog cheap to
 * drain, and the clients reconnect (to any instance) and fill the gap by seq. `sharded`:
 * the adapter's subscriber uses sharded pub/sub, and so does the probe.
 */
export function boundDeliveryLag(
  app: Application,
  io: Server,
  subscriber: RedisClient,
  sharded: boolean,
  onShed: (dropped: number) => void
) {
  const { max_delivery_lag_ms } = app.get('connections')
  const subscribed = new Set<string>()
  const { lag: watched } = redisMetrics(app)
  let lastShed = 0
  subscriber.on(sharded ? 'smessage' : 'message', (from: string, sentAt: string) => {
    if (!subscribed.has(from)) return
    watched.arrived(Number(sentAt))
    const lag = Date.now() - Number(sentAt)
    if (lag <= max_delivery_lag_ms || Date.now() - lastShed < max_delivery_lag_ms) return
    lastShed = Date.now()
    const dropped = io.of('/').sockets.size
    onShed(dropped)
    logger.warn('delivery through Redis lags: dropping this instance’s connections', { lag_ms: lag, dropped })
    closeTransports(io.of('/').sockets.values(), true)
  })
  const probe = () => {
    const now = Date.now()
    watched.sent(now)
    for (const channel of probeChannels(app, sharded)) {
      if (!subscribed.has(channel)) {
        subscribed.add(channel)
        ;(sharded ? subscriber.ssubscribe(channel) : subscriber.subscribe(channel)).catch((error: Error) => {
          subscribed.delete(channel)
          logger.warn('lag probe unavailable', { error: error.message })
        })
      }
      publish(app.get('redisClient')!, sharded, channel, String(now)).catch(() => undefined)
    }
  }
  probe()
  const timer = setInterval(probe, PROBE_EVERY_MS)
  timer.unref()
  beforeTeardown(app, () => clearInterval(timer))
}
