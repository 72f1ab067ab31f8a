import Redis from 'ioredis'
import type { Server } from 'socket.io'
import { createAdapter } from '@socket.io/redis-adapter'
import type { Application } from './declarations'
import { logger } from './logger'

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
  app.hooks({
    teardown: [
      async (_context: unknown, next: () => Promise<void>) => {
        await next()
        await Promise.allSettled(app.get('redisSubscribers').map((redis) => redis.quit()))
        await client.quit().catch(() => client.disconnect())
      }
    ]
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

export const attachRedisAdapter = (app: Application, io: Server) => {
  if (!isClustered(app)) return
  io.adapter(
    createAdapter(app.get('redisClient'), redisSubscriber(app), {
      key: redisKey(app, 'socket.io'),
      requestsTimeout: 3000
    })
  )
}
