import type { Application } from '../declarations'
import type { DomainEventMap } from '../events'
import { logger } from '../logging/logger'
import { isClustered, publish, redisKey, redisSubscriber, subscribe, usesShardedPubSub } from './redis'

/**
 * Makes a domain event heard once on every instance: `announce` emits it here and
 * publishes it through Redis, and each other instance (skipping what it sent itself)
 * emits it on its own bus. For events that tell caches to forget or rooms to follow,
 * which every instance keeps for itself. Every instance subscribes to the channel, so
 * on a cluster it is a sharded one: it lives on one node instead of being copied to all.
 */
export function announceEverywhere<K extends keyof DomainEventMap>(app: Application, name: K) {
  const channel = redisKey(app, 'events', name)
  const instanceId = app.get('instanceId')
  app.hooks({
    setup: [
      async (_context: unknown, next: () => Promise<void>) => {
        if (isClustered(app)) {
          await subscribe(redisSubscriber(app), usesShardedPubSub(app), channel, (message) => {
            try {
              const { origin, payload } = JSON.parse(message)
              if (origin !== instanceId) void app.get('events').emit(name, payload)
            } catch (error: any) {
              logger.warn('ignored an unreadable event from another instance', {
                event: name,
                error: error?.message
              })
            }
          })
        }
        await next()
      }
    ]
  })
  return (payload: DomainEventMap[K]) => {
    void app.get('events').emit(name, payload)
    const client = app.get('redisClient')
    if (client)
      publish(client, usesShardedPubSub(app), channel, JSON.stringify({ origin: instanceId, payload })).catch(
        () => undefined
      )
  }
}
