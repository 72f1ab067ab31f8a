import type { AuthenticationService } from '@feathersjs/authentication'
import type { Application, HookContext, NextFunction } from '../declarations'
import { createRateLimiter, refusal } from '../limits/rate-limit'

const WINDOW_SECONDS = 60

/** What of a token's owner decides whether the token still holds (hooks name no module's types). */
interface TokenOwner {
  disabled_at?: string | null
  token_version: number
}

/**
 * Whether a well-signed token is still its owner's (the strategy's cached user, no query
 * on a hit): a token ended by a new password, a role change or disabling spends its
 * sender's address budget, or a thief could lock the owner out of their own.
 */
async function isCurrent(service: AuthenticationService, payload: { sub: string; token_version?: number }) {
  const strategy = service.getStrategy('jwt') as unknown as {
    getEntity(id: string, params: object): Promise<TokenOwner>
  }
  const user = await strategy.getEntity(payload.sub, {}).catch(() => undefined)
  return Boolean(user && !user.disabled_at && (payload.token_version ?? 0) === user.token_version)
}

/**
 * Whose budget a call spends: its person's, or its address's before anyone has logged in.
 * App hooks run before a service's `authenticate`, so a REST call's token is verified
 * here (a signature check, no database): an unverified `sub` would let anyone spend
 * someone else's budget.
 */
async function callerKey(context: HookContext): Promise<string | undefined> {
  const { user, authentication, address } = context.params
  if (user) return `user:${user.id}`
  if (authentication?.strategy === 'jwt' && typeof authentication.accessToken === 'string') {
    const service = context.app.service('authentication') as AuthenticationService
    const payload = await service.verifyAccessToken(authentication.accessToken).catch(() => undefined)
    if (payload?.sub && (await isCurrent(service, payload))) return `user:${payload.sub}`
  }
  return address ? `address:${address}` : undefined
}

/**
 * Every external call spends one point of its caller's `limits.calls_per_minute`, shared
 * by all instances through Redis when there are several; internal calls are not counted.
 * A known person's calls that have a tighter budget of their own (`ownBudget`, as
 * `path.method`: sending a message) spend only that one, so that a send costs one trip
 * to Redis, not two; calls without a valid token still spend their address's budget.
 */
export const limitCallRate = (app: Application, ownBudget: string[] = []) => {
  const limiter = createRateLimiter(app, 'calls', {
    points: app.get('limits').calls_per_minute,
    windowSeconds: WINDOW_SECONDS
  })

  return async (context: HookContext, next: NextFunction) => {
    if (!context.params.provider) return next()
    const key = await callerKey(context)
    if (key?.startsWith('user:') && ownBudget.includes(`${context.path}.${context.method}`)) return next()
    if (key) {
      const decision = await limiter.consume(key)
      if (!decision.allowed) {
        throw refusal('Too many requests; wait a moment and try again', decision, {
          limiter: 'calls',
          key,
          path: context.path,
          method: context.method
        })
      }
    }
    return next()
  }
}
