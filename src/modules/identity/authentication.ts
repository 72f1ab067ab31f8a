import { AuthenticationService, JWTStrategy } from '@feathersjs/authentication'
import type {
  AuthenticationParams,
  AuthenticationRequest,
  AuthenticationResult,
  ConnectionEvent
} from '@feathersjs/authentication'
import type { Params } from '@feathersjs/feathers'
import crypto from 'crypto'
import type { KeyObject } from 'crypto'
import { NotAuthenticated } from '@feathersjs/errors'
import type { Application } from '../../declarations'
import { ExpiringCache } from '../../cache/expiring-cache'
import { sharedStrings } from '../../cache/shared-strings'
import type { User } from './users/users.schema'
import { EmailLocalStrategy } from './local-strategy'
import { createLoginThrottle } from './login-throttle'
import { TokenExpiry } from './token-expiry'

const USER_CACHE_TTL_MS = 30_000
const VERIFIED_TOKENS = 20_000

// Values that every user or token carries one of few of (a role, a timezone, the audience),
// each parsed into a string of its own, and held by the caches and connections meanwhile
const shared = sharedStrings(1000)

type TokenPayload = Awaited<ReturnType<AuthenticationService['verifyAccessToken']>>

/**
 * Verifies the token on every call, but reads the user from a short-lived cache that
 * every write to that user clears, on every instance (`identity.user.changed`): the
 * stock strategy reads the user twice per call, which would put two queries on every
 * message sent.
 */
class CachedJWTStrategy extends JWTStrategy {
  private cache = new ExpiringCache<string, User>(USER_CACHE_TTL_MS)
  // The latest read of each user under way: a change drops its entry, so that a read the
  // change overtook (which may hold the user as they were before it) is not remembered
  private reading = new Map<string, object>()
  private expiry = new TokenExpiry<object>((connection) => this.app!.emit('disconnect', connection))

  async setup() {
    const app = this.app as Application
    app.get('events').on('identity.user.changed', ({ user_id }) => {
      const key = String(user_id)
      this.cache.delete(key)
      this.reading.delete(key)
    })
  }

  /** A token issued before the account's last password or role change, or its disabling, is over. */
  async authenticate(authentication: AuthenticationRequest, params: AuthenticationParams) {
    const result = await super.authenticate(authentication, params)
    const user = (result as AuthenticationResult).user as User
    if (user.disabled_at) throw new NotAuthenticated('This account is disabled')
    // Tokens from before versions existed carry none: they stand until the first change
    if ((result.authentication.payload.token_version ?? 0) !== user.token_version) {
      throw new NotAuthenticated(
        'This session has ended (the password, role or account changed); log in again'
      )
    }
    return result
  }

  /**
   * What Feathers' strategy does on a connection's login, logout and disconnect, with its
   * timer per connection (for the token's expiry) replaced by one for the instance.
   */
  async handleConnection(event: ConnectionEvent, connection: any, authResult?: AuthenticationResult) {
    const { entity } = this.configuration
    const accessToken: string | undefined = authResult?.accessToken
    if (accessToken && event === 'login') {
      const { exp } =
        authResult!.authentication?.payload ?? (await this.authentication!.verifyAccessToken(accessToken))
      this.expiry.track(connection, exp)
      connection.authentication = { strategy: this.name, accessToken }
      connection[entity] = authResult![entity]
      return
    }
    const isValidLogout =
      event === 'logout' && authResult && connection.authentication?.accessToken === authResult.accessToken
    if (event === 'disconnect' || isValidLogout) {
      // A tick later, as Feathers does: the event's other listeners still see who it was
      await new Promise<void>((resolve) =>
        process.nextTick(() => {
          delete connection[entity]
          delete connection.authentication
          resolve()
        })
      )
      this.expiry.forget(connection)
    }
  }

  /** The user this instance holds for `id`, without reading it: undefined once it changed or aged out. */
  rememberedEntity(id: string): User | undefined {
    return this.cache.get(String(id))
  }

  async getEntity(id: string, _params: Params): Promise<User> {
    const key = String(id)
    const cached = this.cache.get(key)
    if (cached) return cached
    const read = {}
    this.reading.set(key, read)
    try {
      const { password: _password, ...user } = await this.app!.service('users').get(id)
      if (typeof user.role === 'string') user.role = shared(user.role)
      if (typeof user.timezone === 'string') user.timezone = shared(user.timezone)
      if (this.reading.get(key) === read) this.cache.set(key, user)
      return user
    } catch (error: any) {
      if (error?.code === 404) throw new NotAuthenticated('The account no longer exists')
      throw error
    } finally {
      if (this.reading.get(key) === read) this.reading.delete(key)
    }
  }
}

/** Every token carries the version of its user's sessions that it was issued under. */
class SessionAuthenticationService extends AuthenticationService {
  private key?: KeyObject
  /**
   * A socket's token is verified again on every call it makes (Feathers keeps the token,
   * not its outcome, on the connection): signature, options merge and JSON parse were a
   * tenth of a send's CPU. A token's verdict cannot change before it expires, so a valid
   * token is remembered until then; whether its user may still use it (disabled, new
   * password) is checked on every call all the same, by the strategy.
   */
  private verified = new ExpiringCache<string, TokenPayload>(Infinity, VERIFIED_TOKENS)

  /**
   * jsonwebtoken, given the secret as a string, first tries it as a PEM public key inside
   * OpenSSL, which fails, on every sign and verify: ~40x the cost of the HMAC itself, paid
   * on every socket call. As a KeyObject it goes straight to the HMAC.
   */
  private get signingKey() {
    this.key ??= crypto.createSecretKey(Buffer.from(this.configuration.secret, 'utf8'))
    return this.key
  }

  createAccessToken(...[payload, options, secret]: Parameters<AuthenticationService['createAccessToken']>) {
    return super.createAccessToken(payload, options, secret ?? this.signingKey)
  }

  async verifyAccessToken(
    ...[accessToken, options, secret]: Parameters<AuthenticationService['verifyAccessToken']>
  ) {
    // Only the default verification is remembered: other options could give another verdict
    if (options || secret) return super.verifyAccessToken(accessToken, options, secret ?? this.signingKey)
    const remembered = this.verified.get(accessToken)
    if (remembered) return remembered
    const verified = await super.verifyAccessToken(accessToken, undefined, this.signingKey)
    for (const claim of ['aud', 'iss'])
      if (typeof verified[claim] === 'string') verified[claim] = shared(verified[claim])
    const payload = Object.freeze(verified)
    const validForMs = typeof payload.exp === 'number' ? payload.exp * 1000 - Date.now() : 0
    if (validForMs > 0) this.verified.set(accessToken, payload, validForMs)
    return payload
  }

  async getPayload(authResult: AuthenticationResult, params: Params) {
    return {
      ...(await super.getPayload(authResult, params)),
      token_version: authResult.user?.token_version ?? 0
    }
  }

  /** The stock logout reads the caller's token without checking there is one: a 500. */
  async remove(id: string | null, params: AuthenticationParams = {}) {
    if (!params.authentication) throw new NotAuthenticated('Not authenticated: there is no login to end')
    return super.remove(id, params)
  }
}

declare module '../../declarations' {
  interface ServiceTypes {
    authentication: SessionAuthenticationService
  }
}

export const authentication = (app: Application) => {
  const authentication = new SessionAuthenticationService(app)
  authentication.register('jwt', new CachedJWTStrategy())
  authentication.register('local', new EmailLocalStrategy(createLoginThrottle(app)))
  app.use('authentication', authentication)
}

export const localStrategyOf = (app: Application) =>
  app.service('authentication').getStrategy('local') as EmailLocalStrategy
