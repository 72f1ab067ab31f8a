import type { Application } from '../../declarations'
import type { Id } from '../../events'
import { isClustered, redisKey, redisSubscriber } from '../../operations/redis'

/**
 * Announces `identity.user.changed` for every write to a user: at once on this
 * instance, and through a Redis channel on the others, so that every cache of user
 * data (tokens' users, names, phone numbers) forgets that user everywhere.
 */
export const userChanges = (app: Application) => {
  const channel = redisKey(app, 'users-changed')
  const announce = (userId: Id) => app.get('events').emit('identity.user.changed', { user_id: userId })

  const changed = (user: { id: Id }) => {
    void announce(user.id)
    app.get('redisClient')?.publish(channel, String(user.id)).catch(() => undefined)
  }
  app.service('users').on('patched', changed)
  app.service('users').on('updated', changed)
  app.service('users').on('removed', changed)

  app.hooks({
    setup: [
      async (_context: unknown, next: () => Promise<void>) => {
        if (isClustered(app)) {
          const subscriber = redisSubscriber(app)
          await subscriber.subscribe(channel)
          // This instance hears its own changes again: forgetting twice is harmless
          subscriber.on('message', (_channel: string, id: string) => void announce(Number(id)))
        }
        await next()
      }
    ]
  })
}
