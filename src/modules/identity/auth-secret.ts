import defaults from '../../../config/default.json'
import { ConfigurationError } from '../../configuration'
import type { Application } from '../../declarations'
import { logger } from '../../logging/logger'

const MIN_SECRET_BYTES = 32

const secretProblem = (secret: unknown) => {
  if (typeof secret !== 'string' || secret === '' || secret === defaults.authentication.secret) {
    return 'AUTH_SECRET is not set: tokens would be signed with the published development value, which anyone can forge'
  }
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    return `AUTH_SECRET is ${Buffer.byteLength(secret)} bytes long: it takes at least ${MIN_SECRET_BYTES} random bytes to resist guessing`
  }
}

/**
 * Whoever holds the JWT secret can sign in as anyone, admins included. Production refuses
 * to start without one of its own; elsewhere the development value is only warned about.
 */
export function checkAuthSecret(app: Application) {
  const problem = secretProblem(app.get('authentication')?.secret)
  if (!problem) return
  if (process.env.NODE_ENV === 'production') {
    throw new ConfigurationError(`${problem}. Set AUTH_SECRET (for example: openssl rand -base64 48).`)
  }
  logger.warn(`${problem}; production refuses to start like this`)
}
