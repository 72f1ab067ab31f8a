import Redis from 'ioredis'
import type { Server } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import type { Application } from '../declarations'
import { logger } from './logger'
import { afterTeardown, beforeTeardown } from './lifecycle'
import { closeTransports } from '../socketio/end-connections'
import type { DomainEventMap } from '../events'

export const isClustered = (app: Application) => Boolean(app.get('redis').url)

/** Keys of this deployment in a Redis that other deployments (or test runs) may share. */
export const redisKey = (app: Application, ...parts: Array<string | number>) =>
  [app.get('redis').keyPrefix + parts[0], ...parts.slice(1)].join(':')

/**
 * With REDIS_URL, instances share Socket.io rooms through the Redis adapter: a room
 * broadcast or a socketsJoin on one instance reaches the sockets of every instance.
 */
export const redis = (app: Application) => {
  const { url } = app.get('redis')
  if (!url) return
  const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 })
  client.on('error', (error) => logger.warn('redis error', { error: error.message }))
  app.set('redisClient', client)
  afterTeardown(app, async () => {
    await Promise.allSettled(app.get('redisSubscribers').map((redis) => redis.quit()))
    await client.quit().catch(() => client.disconnect())
  })
  app.set('redisSubscribers', [])
}

/** A second connection for subscriptions (a subscribed connection can issue nothing else). */
export const redisSubscriber = (app: Application) => {
  const subscriber = app.get('redisClient')!.duplicate()
  subscriber.on('error', (error) => logger.warn('redis subscriber error', { error: error.message }))
  app.get('redisSubscribers').push(subscriber)
  return subscriber
}

/** `onShed` hears how many connections were dropped because delivery through Redis lagged. */
export const attachRedisAdapter = (app: Application, io: Server, onShed: (dropped: number) => void) => {
  if (!isClustered(app)) return
  const subscriber = redisSubscriber(app)
  io.adapter(createAdapter(app.get('redisClient'), subscriber, { key: redisKey(app, 'socket.io'), requestsTimeout: 3000 }))
  boundDeliveryLag(app, io, subscriber, onShed)
}

const PROBE_EVERY_MS = 1000

export const lagProbeChannel = (app: Application) => redisKey(app, 'lag-probe', app.get('instanceId'))

/**
 * The Redis adapter has no backpressure: an instance that cannot keep up falls
 * further behind while senders are still acknowledged. Each instance sends itself a
 * timestamp every second through the subscriber connection that carries the adapter's
 * traffic, which is first in, first out; when it arrives later than the bound, the
 * instance closes its connections' transports. Rooms without sockets make the backlog cheap to
 * drain, and the clients reconnect (to any instance) and fill the gap by seq.
 */
function boundDeliveryLag(app: Application, io: Server, subscriber: Redis, onShed: (dropped: number) => void) {
  const { max_delivery_lag_ms } = app.get('connections')
  const channel = lagProbeChannel(app)
  let lastShed = 0
  subscriber.subscribe(channel).catch((error) => logger.warn('lag probe unavailable', { error: error.message }))
  subscriber.on('message', (from: string, sentAt: string) => {
    if (from !== channel) return
    const lag = Date.now() - Number(sentAt)
    if (lag <= max_delivery_lag_ms || Date.now() - lastShed < max_delivery_lag_ms) return
    lastShed = Date.now()
    const dropped = io.of('/').sockets.size
    onShed(dropped)
    logger.warn('delivery through Redis lags: dropping this instance’s connections', { lag_ms: lag, dropped })
    closeTransports(io.of('/').sockets.values(), true)
  })
  const probe = setInterval(() => {
    app.get('redisClient')!.publish(channel, String(Date.now())).catch(() => undefined)
  }, PROBE_EVERY_MS)
  probe.unref()
  beforeTeardown(app, () => clearInterval(probe))
}

/**
 * Makes a domain event heard once on every instance: `announce` emits it here and
 * publishes it through Redis, and each other instance (skipping what it sent itself)
 * emits it on its own bus. For events that tell caches to forget or rooms to follow,
 * which every instance keeps for itself.
 */
export function announceEverywhere<K extends keyof DomainEventMap>(app: Application, name: K) {
  const channel = redisKey(app, 'events', name)
  const instanceId = app.get('instanceId')
  app.hooks({
    setup: [
      async (_context: unknown, next: () => Promise<void>) => {
        if (isClustered(app)) {
          const subscriber = redisSubscriber(app)
          await subscriber.subscribe(channel)
          subscriber.on('message', (from: string, message: string) => {
            if (from !== channel) return
            try {
              const { origin, payload } = JSON.parse(message)
              if (origin !== instanceId) void app.get('events').emit(name, payload)
            } catch (error: any) {
              logger.warn('ignored an unreadable event from another instance', { event: name, error: error?.message })
            }
          })
        }
        await next()
      }
    ]
  })
  return (payload: DomainEventMap[K]) => {
    void app.get('events').emit(name, payload)
    app.get('redisClient')?.publish(channel, JSON.stringify({ origin: instanceId, payload })).catch(() => undefined)
  }
}
