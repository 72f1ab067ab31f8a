import type { Application } from '../../declarations'
import { announceEverywhere } from '../../redis/announce-everywhere'
import { isAdmin } from '../../hooks/require-admin'
import type { User } from './users/users.schema'

/**
 * Announces `identity.user.changed` for every write to a user, once on each instance,
 * so that every cache of user data (tokens' users, names, phone numbers) and every room
 * that follows a role forgets or follows that user everywhere.
 */
export const userChanges = (app: Application) => {
  const announce = announceEverywhere(app, 'identity.user.changed')
  const changed = (user: User) =>
    announce({ user_id: user.id, is_admin: isAdmin(user), disabled: Boolean(user.disabled_at) })
  app.service('users').on('patched', changed)
  app.service('users').on('updated', changed)
  app.service('users').on('removed', changed)
}
