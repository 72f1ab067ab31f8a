import crypto from 'crypto'
import bcrypt from 'bcrypt'
import { LocalStrategy } from '@feathersjs/authentication-local'
import type { AuthenticationRequest } from '@feathersjs/authentication'
import type { Params } from '@feathersjs/feathers'
import type { Id } from '../../schema-types'
import { NotAuthenticated } from '@feathersjs/errors'
import type { ServiceParams } from '../../declarations'
import type { User } from './users/users.schema'
import type { LoginThrottle } from './login-throttle'

/**
 * Password logins by email, throttled per account and address. Hashes are made and
 * checked by native bcrypt on libuv's thread pool, not on the event loop, so a burst of
 * logins does not stall everyone else's calls; bcryptjs hashes ($2a$, $2b$) still verify.
 */
export class EmailLocalStrategy extends LocalStrategy {
  private dummyHash?: Promise<string>

  constructor(private throttle: LoginThrottle) {
    super()
  }

  async hashPassword(password: string) {
    return bcrypt.hash(password, this.configuration.hashSize)
  }

  async comparePassword(entity: User, password: string) {
    if (!entity.password || !(await bcrypt.compare(password, entity.password))) {
      throw new NotAuthenticated(this.configuration.errorMessage)
    }
    return entity
  }

  async authenticate(data: AuthenticationRequest, params: ServiceParams) {
    // Anything but a string would reach the users query as an operator ({$ne: …})
    if (typeof data.email !== 'string' || typeof data.password !== 'string') {
      throw new NotAuthenticated('Invalid login')
    }
    const email = data.email.trim().toLowerCase()
    // Internal calls (tooling) are not throttled
    const address = params.provider ? params.address : undefined
    const check = () => super.authenticate({ ...data, email }, params)
    return params.provider ? this.throttle.check(email, address, check) : check()
  }

  /** An unknown email costs the same bcrypt comparison as a wrong password: timing does not tell who has an account. */
  async findEntity(username: string, params: Params) {
    try {
      return await super.findEntity(username, params)
    } catch (error) {
      if (error instanceof NotAuthenticated) await bcrypt.compare(username, await this.unmatchableHash())
      throw error
    }
  }

  /** Reached only with the right password, so a guesser does not learn that an account is disabled. */
  async getEntity(result: User, params: Params) {
    if (result.disabled_at) throw new NotAuthenticated('This account is disabled')
    return super.getEntity(result, params)
  }

  /** Checks a signed-in person's current password, under the same throttle as their logins. */
  async verifyCurrentPassword(userId: Id, password: string, params: ServiceParams) {
    const user: User = await this.entityService.get(userId)
    const address = params.provider ? params.address : undefined
    const check = () =>
      this.comparePassword(user, password).catch(() => {
        throw new NotAuthenticated('The current password is wrong')
      })
    await (params.provider ? this.throttle.check(user.email, address, check) : check())
  }

  private unmatchableHash() {
    this.dummyHash ??= bcrypt.hash(crypto.randomBytes(32).toString('hex'), this.configuration.hashSize)
    return this.dummyHash
  }
}
