import { Gauge } from 'prom-client'
import { perApp } from './per-app'

/**
 * The delivery lag through Redis, as the lag probe (socketio/delivery-lag.ts) sees
 * it: the lag of the last probe that came back, or, while one sent earlier has not
 * come back at all, how long it has been out. So a subscriber that receives nothing
 * any more shows a lag that grows instead of its last good figure.
 */
export class DeliveryLag {
  private lastLagMs = 0
  private outstanding: number[] = []

  sent(at: number) {
    this.outstanding.push(at)
    // A probe lost for good (Redis restarted) must not hold the figure up forever
    if (this.outstanding.length > 600) this.outstanding.shift()
  }

  arrived(sentAt: number, now = Date.now()) {
    this.lastLagMs = now - sentAt
    this.outstanding = this.outstanding.filter((at) => at > sentAt)
  }

  seconds(now = Date.now()) {
    const oldest = this.outstanding[0]
    return Math.max(this.lastLagMs, oldest === undefined ? 0 : now - oldest) / 1000
  }
}

export const redisMetrics = perApp((registers) => {
  const lag = new DeliveryLag()
  new Gauge({
    name: 'chat_redis_delivery_lag_seconds',
    help: 'How far behind this instance receives what is published through Redis (the adapter’s traffic), from a probe each second',
    registers,
    collect() {
      this.set(lag.seconds())
    }
  })
  return { lag }
})
