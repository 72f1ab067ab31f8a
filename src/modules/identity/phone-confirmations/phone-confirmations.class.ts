import crypto from 'crypto'
import type { Knex } from 'knex'
import { BadRequest, NotFound, TooManyRequests } from '@feathersjs/errors'
import type { Application, ServiceParams } from '../../../declarations'
import type { Id } from '../../../schema-types'
import type { PhoneConfirmation, PhoneConfirmationData } from './phone-confirmations.schema'

export type { PhoneConfirmation, PhoneConfirmationData }

const CODE_LIFETIME_MS = 10 * 60_000
const MAX_ATTEMPTS = 5

const hashOf = (userId: Id, code: string) => crypto.createHash('sha256').update(`${userId}:${code}`).digest('hex')

/**
 * Proving a phone number is one's own: setting it (users patch) sends a six-digit code to
 * it, valid for ten minutes and five tries; `create({ code })` by its owner confirms it.
 * Only a hash of the code is stored.
 */
export class PhoneConfirmationService {
  constructor(private app: Application) {}

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  /** Internal: a new code for `phone`, replacing any earlier one, sent by SMS through the notifications module. */
  async send(userId: Id, phone: string) {
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')
    const row = { user_id: userId, phone, code_hash: hashOf(userId, code), expires_at: new Date(Date.now() + CODE_LIFETIME_MS).toISOString(), attempts: 0 }
    await this.db('phone_confirmations').insert(row).onConflict('user_id').merge()
    await this.app.get('events').emit('identity.phone.confirmation_requested', { user_id: userId, phone, code })
  }

  async create(data: PhoneConfirmationData, params: ServiceParams = {}): Promise<PhoneConfirmation> {
    const userId = params.user!.id
    const confirmed = await this.confirm(userId, data.code)
    // As any write to a user: every instance forgets what it cached of them (the planner's phone numbers)
    this.app.service('users').emit('patched', await this.app.service('users').get(userId))
    return confirmed
  }

  private async confirm(userId: Id, code: string): Promise<PhoneConfirmation> {
    const outcome = await this.db.transaction(async (trx) => {
      const pending = await trx('phone_confirmations').where({ user_id: userId }).forUpdate().first()
      const user = await trx('users').where({ id: userId }).first('phone')
      // A code for a number the person no longer has confirms nothing
      if (!pending || pending.phone !== user?.phone || new Date(pending.expires_at) < new Date()) {
        throw new NotFound('No confirmation is pending for your phone number: set it again to get a new code')
      }
      if (pending.attempts >= MAX_ATTEMPTS) throw new TooManyRequests('Too many wrong codes: set your phone number again to get a new one')
      const given = Buffer.from(hashOf(userId, code), 'hex')
      if (!crypto.timingSafeEqual(given, Buffer.from(pending.code_hash, 'hex'))) {
        // Counted in the committed transaction: the refusal is thrown after it
        await trx('phone_confirmations').where({ user_id: userId }).increment('attempts', 1)
        return undefined
      }
      const [confirmed] = await trx('users').where({ id: userId }).update({ phone_confirmed_at: trx.fn.now() }).returning(['phone', 'phone_confirmed_at'])
      await trx('phone_confirmations').where({ user_id: userId }).delete()
      return { phone: confirmed.phone, phone_confirmed_at: new Date(confirmed.phone_confirmed_at).toISOString() }
    })
    if (!outcome) throw new BadRequest('That is not the code we sent')
    return outcome
  }
}
