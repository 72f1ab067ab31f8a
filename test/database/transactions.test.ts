import assert from 'assert'
import crypto from 'crypto'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { withTransaction } from '../../src/database/errors'
import { testDatabaseUrl } from '../helpers/database'
import { failure } from '../helpers/assertions'

const tag = crypto.randomBytes(4).toString('hex')

/** An error shaped like the one pg raises for a SQLSTATE. */
const databaseError = (code: string, message: string) => Object.assign(new Error(message), { code })

describe('database failures', () => {
  describe('withTransaction', () => {
    let db: Knex
    const probe = `tx_probe_${tag}`

    before(async () => {
      db = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
      await db.schema.createTable(probe, (table) => {
        table.increments('id')
        table.text('label').notNullable()
      })
    })
    beforeEach(() => db(probe).delete())
    after(async () => {
      await db.schema.dropTableIfExists(probe)
      await db.destroy()
    })

    const labels = async () =>
      (await db(probe).orderBy('id').select('label')).map((row: { label: string }) => row.label)

    /**
     * Work in a transaction whose every attempt writes its label and then fails with what
     * `errorOf` gives for that attempt: what surfaced, and how many attempts ran.
     */
    const failingEveryAttempt = async (attempts: number, errorOf: (attempt: number) => Error) => {
      let calls = 0
      const surfaced = await failure(() =>
        withTransaction(
          db,
          async (trx) => {
            calls++
            await trx(probe).insert({ label: `attempt ${calls}` })
            throw errorOf(calls)
          },
          { attempts, baseDelayMs: 1 }
        )
      )
      return { surfaced, calls }
    }

    it('retries after 40001 and 40P01, succeeds, and keeps only the successful attempt’s writes', async () => {
      let calls = 0
      const result = await withTransaction(
        db,
        async (trx) => {
          calls++
          await trx(probe).insert({ label: `attempt ${calls}` })
          // The failed attempts' writes are visible inside their own transaction…
          assert.deepStrictEqual(
            (await trx(probe).select('label')).map((row: { label: string }) => row.label),
            [`attempt ${calls}`]
          )
          if (calls === 1) throw databaseError('40001', 'could not serialize access due to concurrent update')
          if (calls === 2) throw databaseError('40P01', 'deadlock detected')
          return `done on attempt ${calls}`
        },
        { attempts: 5, baseDelayMs: 1 }
      )
      assert.strictEqual(result, 'done on attempt 3')
      assert.strictEqual(calls, 3)
      // …and are gone: each failed attempt was rolled back whole
      assert.deepStrictEqual(await labels(), ['attempt 3'])
    })

    it('retries a serialization failure raised by PostgreSQL itself', async () => {
      let calls = 0
      await withTransaction(
        db,
        async (trx) => {
          calls++
          await trx(probe).insert({ label: `attempt ${calls}` })
          if (calls === 1) {
            await trx.raw(
              `do $$ begin raise exception 'forced' using errcode = 'serialization_failure'; end $$`
            )
          }
        },
        { attempts: 5, baseDelayMs: 1 }
      )
      assert.strictEqual(calls, 2)
      assert.deepStrictEqual(await labels(), ['attempt 2'])
    })

    for (const [what, error] of [
      [
        'a unique violation (23505)',
        databaseError('23505', 'duplicate key value violates unique constraint')
      ],
      ['a check violation (23514)', databaseError('23514', 'new row violates check constraint')],
      ['a plain error without a code', new Error('a bug in the work')]
    ] as const) {
      it(`does not retry ${what}, surfaces it and rolls back`, async () => {
        const { surfaced, calls } = await failingEveryAttempt(5, () => error)
        assert.strictEqual(calls, 1, 'the work ran once')
        assert.strictEqual(surfaced, error)
        assert.deepStrictEqual(await labels(), [])
      })
    }

    it('surfaces the transient error once the attempts run out, with nothing written', async () => {
      const lastError = databaseError('40001', 'could not serialize access')
      const { surfaced, calls } = await failingEveryAttempt(3, (attempt) =>
        attempt === 3 ? lastError : databaseError('40P01', 'deadlock detected')
      )
      assert.strictEqual(calls, 3, 'every attempt ran, and no more')
      assert.strictEqual(surfaced, lastError)
      assert.strictEqual(surfaced.code, '40001')
      assert.deepStrictEqual(await labels(), [])
    })
  })
})
