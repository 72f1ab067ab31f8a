import assert from 'assert'
import crypto from 'crypto'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { testDatabaseUrl } from '../helpers/database'
import { up } from '../../migrations/20261130000100_sanitize-names'

describe('migration: names stored before sanitizing are cleaned', () => {
  let db: Knex
  const tag = crypto.randomBytes(4).toString('hex')

  before(() => {
    db = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
  })
  after(async () => {
    await db.destroy()
  })

  const insert = async (table: 'users' | 'companies', names: string[]) => {
    const rows = names.map((name, index) =>
      table === 'users'
        ? { name, email: `names-${tag}-${index}@example.test`, password: 'not-a-real-hash' }
        : { name }
    )
    return (await db(table).insert(rows).returning('id')).map((row: { id: number }) => Number(row.id))
  }
  const namesOf = async (table: 'users' | 'companies', ids: number[]) =>
    (await db(table).whereIn('id', ids).orderBy('id').select('name')).map((row: { name: string }) => row.name)

  it('removes markup and control characters from user and company names, and nothing else', async () => {
    const users = await insert('users', [
      '<img/src=x/onerror=alert(1)> Eve',
      '<\u0085svg onload=alert(1)>Walt',
      'Ana <3 Bo & co',
      '<script>alert(1)</script>',
      'Plain Name'
    ])
    const companies = await insert('companies', [
      'Acme <b>Staffing</b>',
      '<<b>script>alert(1)<</b>/script>',
      'a < b Ltd'
    ])

    await up(db)
    assert.deepStrictEqual(await namesOf('users', users), [
      'Eve',
      'Walt',
      'Ana <3 Bo & co',
      `User ${users[3]}`,
      'Plain Name'
    ])
    assert.deepStrictEqual(await namesOf('companies', companies), [
      'Acme Staffing',
      `Company ${companies[1]}`,
      'a < b Ltd'
    ])

    await up(db)
    assert.deepStrictEqual(
      await namesOf('users', users),
      ['Eve', 'Walt', 'Ana <3 Bo & co', `User ${users[3]}`, 'Plain Name'],
      'a second run changes nothing'
    )
  })
})
