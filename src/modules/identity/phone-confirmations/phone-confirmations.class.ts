import crypto from 'crypto'
import type { Knex } from 'knex'
import { BadRequest, NotFound, TooManyRequests } from '@feathersjs/errors'
import type { Application, ServiceParams } from '../../../declarations'
import type { Id } from '../../../schema-types'
import { createRateLimiter, refusal } from '../../../limits/rate-limit'
import type { RateLimiter } from '../../../limits/rate-limit'
import { smsCapOf } from '../../../limits/sms-cap'
import type { PhoneConfirmation, PhoneConfirmationData } from './phone-confirmations.schema'

export type { PhoneConfirmation, PhoneConfirmationData }

const CODE_MINUTES = 10
const MAX_ATTEMPTS = 5
// Each code is five guesses at one in a million: an account gets few codes a day, so that
// asking for new ones again and again does not add up to guessing a stranger's code
const CODES_PER_ACCOUNT_PER_DAY = 5

/**
 * Proving a phone number is one's own: setting it (users patch) sends a six-digit code to
 * it, valid for ten minutes and five tries; `create({ code })` by its owner confirms it.
 */
export class PhoneConfirmationService {
  private codesPerAccount: RateLimiter
  private hashKey: Buffer

  constructor(private app: Application) {
    this.codesPerAccount = createRateLimiter(app, 'phone-codes-per-account', {
      points: CODES_PER_ACCOUNT_PER_DAY,
      windowSeconds: 86_400
    })
    // Stored codes are keyed hashes: a million codes are tried in no time against a plain
    // hash, so whoever reads the table (a backup, a replica) must not learn the codes from it
    this.hashKey = crypto
      .createHmac('sha256', String(app.get('authentication')?.secret ?? ''))
      .update('phone-confirmation-codes')
      .digest()
  }

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  // Bound to the person and the number: a code confirms nothing else
  private hashOf(userId: Id, phone: string, code: string) {
    return crypto.createHmac('sha256', this.hashKey).update(`${userId}:${phone}:${code}`).digest('hex')
  }

  /**
   * Internal, before the number is written: refuses (429) when the account has had its
   * codes for the day or the number its SMS for the hour, so that nothing is changed and
   * no code exists that was never sent (it could still be guessed).
   */
  async reserve(userId: Id, phone: string) {
    const account = await this.codesPerAccount.consume(userId)
    if (!account.allowed) {
      throw refusal(
        'You have asked for as many confirmation codes as a day allows; try again later',
        account,
        { limiter: 'phone-codes-per-account', user_id: userId }
      )
    }
    const number = await smsCapOf(this.app).consume(phone)
    if (!number.allowed) {
      await this.codesPerAccount.refund(userId)
      throw refusal('This number has had as many SMS as an hour allows; try again later', number, {
        limiter: 'sms-per-number',
        phone
      })
    }
  }

  /** Internal: whether a code sent to `phone` for this person can still confirm it (not expired, tries left). */
  async awaitsCode(userId: Id, phone: string) {
    const pending = await this.db('phone_confirmations')
      .where({ user_id: userId, phone })
      .where('expires_at', '>', new Date().toISOString())
      .where('attempts', '<', MAX_ATTEMPTS)
      .first('user_id')
    return Boolean(pending)
  }

  /** Internal, once the number is written: a new code for it, replacing any earlier one, sent by SMS through the notifications module. */
  async send(userId: Id, phone: string) {
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')
    const expiresAt = new Date(Date.now() + CODE_MINUTES * 60_000).toISOString()
    const row = {
      user_id: userId,
      phone,
      code_hash: this.hashOf(userId, phone, code),
      expires_at: expiresAt,
      attempts: 0
    }
    await this.db('phone_confirmations').insert(row).onConflict('user_id').merge()
    await this.app
      .get('events')
      .emit('identity.phone.confirmation_requested', { user_id: userId, phone, code, minutes: CODE_MINUTES })
  }

  async create(data: PhoneConfirmationData, params: ServiceParams = {}): Promise<PhoneConfirmation> {
    const userId = params.user!.id
    const confirmed = await this.confirm(userId, data.code)
    // As any write to a user: every instance forgets what it cached of them (the planner's phone numbers)
    this.app.service('users').emit('patched', await this.app.service('users').get(userId))
    return confirmed
  }

  private async confirm(userId: Id, code: string): Promise<PhoneConfirmation> {
    const noneFor = () =>
      new NotFound('No confirmation is pending for your phone number: set it again to get a new code')
    const outcome = await this.db.transaction(async (trx) => {
      // Locked: guesses sent at once are counted one after the other
      const pending = await trx('phone_confirmations').where({ user_id: userId }).forUpdate().first()
      const user = await trx('users').where({ id: userId }).first('phone')
      // A code for a number the person no longer has confirms nothing
      if (!pending || pending.phone !== user?.phone || new Date(pending.expires_at) < new Date())
        throw noneFor()
      if (pending.attempts >= MAX_ATTEMPTS)
        throw new TooManyRequests('Too many wrong codes: set your phone number again to get a new one')
      const given = Buffer.from(this.hashOf(userId, pending.phone, code), 'hex')
      if (!crypto.timingSafeEqual(given, Buffer.from(pending.code_hash, 'hex'))) {
        // Counted in the committed transaction: the refusal is thrown after it
        await trx('phone_confirmations').where({ user_id: userId }).increment('attempts', 1)
        return undefined
      }
      // Only while the account still has the number the code went to: a change of number
      // committed meanwhile makes this update match nothing, so the new number stays unconfirmed
      const [confirmed] = await trx('users')
        .where({ id: userId, phone: pending.phone })
        .update({ phone_confirmed_at: trx.fn.now() })
        .returning(['phone', 'phone_confirmed_at'])
      await trx('phone_confirmations').where({ user_id: userId }).delete()
      if (!confirmed) throw noneFor()
      return {
        phone: confirmed.phone,
        phone_confirmed_at: new Date(confirmed.phone_confirmed_at).toISOString()
      }
    })
    if (!outcome) throw new BadRequest('That is not the code we sent')
    return outcome
  }
}
