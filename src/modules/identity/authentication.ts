import { AuthenticationService, JWTStrategy } from '@feathersjs/authentication'
import type { AuthenticationRequest } from '@feathersjs/authentication'
import { LocalStrategy } from '@feathersjs/authentication-local'
import type { Id, Params } from '@feathersjs/feathers'
import { NotAuthenticated } from '@feathersjs/errors'
import type { Application } from '../../declarations'
import { ExpiringCache } from '../../expiring-cache'
import type { User } from './users/users.schema'

const USER_CACHE_TTL_MS = 30_000

/**
 * Verifies the token on every call, but reads the user from a short-lived cache that
 * every write to that user clears, on every instance (`identity.user.changed`): the
 * stock strategy reads the user twice per call, which would put two queries on every
 * message sent.
 */
class CachedJWTStrategy extends JWTStrategy {
  private cache = new ExpiringCache<string, User>(USER_CACHE_TTL_MS)

  async setup() {
    const app = this.app as Application
    app.get('events').on('identity.user.changed', ({ user_id }) => this.cache.delete(String(user_id)))
  }

  async getEntity(id: Id, _params: Params): Promise<User> {
    const key = String(id)
    const cached = this.cache.get(key)
    if (cached) return cached
    try {
      const { password: _password, ...user } = await this.app!.service('users').get(id)
      this.cache.set(key, user)
      return user
    } catch (error: any) {
      if (error?.code === 404) throw new NotAuthenticated('The account no longer exists')
      throw error
    }
  }
}

/** Emails are stored lower-case; people type them as they like. */
class EmailLocalStrategy extends LocalStrategy {
  async authenticate(data: AuthenticationRequest, params: Params) {
    // Anything but a string would reach the users query as an operator ({$ne: …})
    if (typeof data.email !== 'string' || typeof data.password !== 'string') {
      throw new NotAuthenticated('Invalid login')
    }
    return super.authenticate({ ...data, email: data.email.trim().toLowerCase() }, params)
  }
}

declare module '../../declarations' {
  interface ServiceTypes {
    authentication: AuthenticationService
  }
}

export const authentication = (app: Application) => {
  const authentication = new AuthenticationService(app)
  authentication.register('jwt', new CachedJWTStrategy())
  authentication.register('local', new EmailLocalStrategy())
  app.use('authentication', authentication)
}
