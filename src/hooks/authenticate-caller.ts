import { authenticate } from '@feathersjs/authentication'
import type { AuthenticationService } from '@feathersjs/authentication'
import type { Application, HookContext, NextFunction } from '../declarations'

const stockAuthenticate = authenticate('jwt')

/** What the stock hook puts in a call's params, kept for the connection's next calls. */
interface Remembered {
  accessToken: string
  authentication: { strategy: string; accessToken: string; payload: { sub: string; exp?: number } }
  user: object
}

/** The strategy's own user cache, peeked at without a read (hooks name no module's types). */
interface RememberingStrategy {
  rememberedEntity(id: string): object | undefined
}

const remembered = new WeakMap<object, Remembered>()

const strategyOf = (app: Application) =>
  (app.service('authentication') as AuthenticationService).getStrategy(
    'jwt'
  ) as unknown as RememberingStrategy

/**
 * The last verdict still holds while its token has not expired and the strategy still
 * holds the very user object it was given: every change to a user (password, role,
 * disabling) drops that entry on every instance, and the entry itself lasts seconds, so
 * the next call then goes the whole way again. That is the check the stock hook makes.
 */
const stillHolds = (app: Application, memo: Remembered) => {
  const { payload } = memo.authentication
  if (typeof payload.exp === 'number' && payload.exp * 1000 <= Date.now()) return false
  return strategyOf(app).rememberedEntity(String(payload.sub)) === memo.user
}

/**
 * `authenticate('jwt')`, remembered per Socket.io connection. Feathers keeps a socket's
 * token, not its verdict, on the connection, so every call ran the authentication
 * service's whole path again (strategy lookup, the strategy's checks, several awaits and
 * object copies): about 3 % of a message's CPU. A call with the token the connection
 * last passed with, whose user is unchanged, gets the same params at once. REST calls and
 * anything else go through the stock hook.
 */
export const authenticateCaller = async (context: HookContext, next: NextFunction) => {
  const { connection, authentication, provider, authenticated } = context.params
  // Taken at its caller's word, as the stock hook does: neither answered from a verdict of
  // the connection's (which would put its user in place of the one the caller gave) nor remembered
  if (authenticated === true) return next()
  if (provider !== 'socketio' || !connection) return stockAuthenticate(context, next)
  const memo = remembered.get(connection)
  if (memo && authentication?.accessToken === memo.accessToken && stillHolds(context.app, memo)) {
    context.params = {
      ...context.params,
      authentication: memo.authentication,
      user: memo.user,
      authenticated: true
    }
    return next()
  }
  return stockAuthenticate(context, async () => {
    const { authentication: passed, user } = context.params
    if (passed?.accessToken && passed.payload && user) {
      remembered.set(connection, { accessToken: passed.accessToken, authentication: passed, user })
    }
    return next()
  })
}
