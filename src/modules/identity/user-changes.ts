import type { Application } from '../../declarations'
import type { DomainEventMap } from '../../events'
import { isClustered, redisKey, redisSubscriber } from '../../operations/redis'
import { logger } from '../../operations/logger'
import type { User } from './users/users.schema'

type UserChanged = DomainEventMap['identity.user.changed']

/**
 * Announces `identity.user.changed` for every write to a user, once on each instance: at
 * once on this one, and through a Redis channel on the others (which skip what they sent
 * themselves), so that every cache of user data (tokens' users, names, phone numbers) and
 * every room that follows a role forgets or follows that user everywhere.
 */
export const userChanges = (app: Application) => {
  const channel = redisKey(app, 'users-changed')
  const instanceId = app.get('instanceId')
  const announce = (change: UserChanged) => app.get('events').emit('identity.user.changed', change)

  const changed = (user: User) => {
    const change: UserChanged = { user_id: user.id, is_admin: user.role === 'admin', disabled: Boolean(user.disabled_at) }
    void announce(change)
    app.get('redisClient')?.publish(channel, JSON.stringify({ from: instanceId, change })).catch(() => undefined)
  }
  app.service('users').on('patched', changed)
  app.service('users').on('updated', changed)
  app.service('users').on('removed', changed)

  const heard = (from: string, text: string) => {
    if (from !== channel) return
    try {
      const { from: sender, change } = JSON.parse(text)
      if (sender !== instanceId && typeof change?.user_id === 'number') void announce(change)
    } catch (error: any) {
      logger.warn('ignored an unreadable user change', { error: error?.message })
    }
  }

  app.hooks({
    setup: [
      async (_context: unknown, next: () => Promise<void>) => {
        if (isClustered(app)) {
          const subscriber = redisSubscriber(app)
          await subscriber.subscribe(channel)
          subscriber.on('message', heard)
        }
        await next()
      }
    ]
  })
}
