import assert from 'assert'
import crypto from 'crypto'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { testDatabaseUrl } from '../helpers/database'
import * as phoneConfirmation from '../../migrations/20261205000200_phone-confirmation'

/**
 * Numbers stored before confirmation existed were set by admins or their owners and get
 * SMS today: after the migration they still do, or deployments would silently stop
 * notifying by SMS. In one transaction that is rolled back, so other suites never see
 * the column missing.
 */
describe('migration: phone confirmation', () => {
  let db: Knex

  before(() => {
    db = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
  })
  after(async () => {
    await db.destroy()
  })

  it('counts numbers already stored as confirmed, and leaves people without one unconfirmed', async () => {
    const trx = await db.transaction()
    try {
      await phoneConfirmation.down(trx)
      const tag = crypto.randomBytes(4).toString('hex')
      const [withPhone, without] = await trx('users')
        .insert([
          {
            name: 'Ana',
            email: `ana-${tag}@example.test`,
            password: 'not-a-real-hash',
            phone: '+15557770001'
          },
          { name: 'Ben', email: `ben-${tag}@example.test`, password: 'not-a-real-hash' }
        ])
        .returning('id')
        .then((rows) => rows.map((row: { id: number }) => Number(row.id)))

      await phoneConfirmation.up(trx)
      const rows = await trx('users')
        .whereIn('id', [withPhone, without])
        .orderBy('id')
        .select('phone', 'phone_confirmed_at')
      assert.ok(rows[0].phone_confirmed_at, 'the stored number stays in use')
      assert.strictEqual(rows[1].phone_confirmed_at, null)
      assert.deepStrictEqual(await trx('phone_confirmations').select('*'), [])
    } finally {
      await trx.rollback()
    }
  })
})
