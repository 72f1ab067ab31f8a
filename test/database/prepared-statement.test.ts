import assert from 'assert'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { preparedStatement } from '../../src/database/prepared-statement'
import { testDatabaseUrl } from '../helpers/database'

describe('prepared statements on the pooled pg connection', () => {
  let db: Knex
  const table = `prepared_probe_${process.pid}`

  before(async () => {
    // One connection, so every run below meets the plan prepared by the first
    db = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 1 } })
    await db.schema.createTable(table, (t) => {
      t.increments('id')
      t.text('word')
    })
    await db(table).insert([{ word: 'one' }, { word: 'two' }])
  })
  after(async () => {
    await db.schema.dropTableIfExists(table)
    await db.destroy()
  })

  it('binds each named value once, wherever it appears, and announces the statement through knex', async () => {
    const statement = preparedStatement(
      'probe-named',
      `select * from ${table} where word = :word or (id = :id and word <> :word) order by id`
    )
    const seen: Array<{ sql: string; bindings: unknown[] }> = []
    const listener = (query: { sql: string; bindings: unknown[] }) => seen.push(query)
    db.on('query', listener)
    try {
      const rows = await statement.run<{ id: number; word: string }>(db, { word: 'two', id: 1 })
      assert.deepStrictEqual(
        rows.map((row) => row.word),
        ['one', 'two']
      )
    } finally {
      db.off('query', listener)
    }
    assert.strictEqual(seen.length, 1)
    assert.match(seen[0].sql, /word = \$1 or \(id = \$2 and word <> \$1\)/)
    assert.deepStrictEqual(seen[0].bindings, ['two', 1])
  })

  it('refuses a run that lacks a named value instead of sending null', async () => {
    const statement = preparedStatement('probe-missing', `select * from ${table} where id = :id`)
    await assert.rejects(statement.run(db, {}), /no value for :id/)
  })

  it('prepares again after a migration changed the table under the plan', async () => {
    const statement = preparedStatement('probe-changed', `select * from ${table} where id = :id`)
    assert.deepStrictEqual(await statement.run(db, { id: 1 }), [{ id: 1, word: 'one' }])
    await db.schema.alterTable(table, (t) => t.text('extra').defaultTo('x'))
    assert.deepStrictEqual(await statement.run(db, { id: 1 }), [{ id: 1, word: 'one', extra: 'x' }])
    assert.deepStrictEqual(await statement.run(db, { id: 2 }), [{ id: 2, word: 'two', extra: 'x' }])
  })
})
