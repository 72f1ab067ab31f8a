import type { Knex } from 'knex'
import { MalformedMarkup, sanitizeText } from '../src/sanitize-text'

// Names were stored as typed until they were sanitized on write, and other people's clients
// show them: the ones holding markup or control characters are cleaned once. Message content
// is evidence and is never rewritten; names are profile data. The removed markup is not kept.
const SUSPECT = ['(name like ? or name ~ ?)', ['%<%', '[\u0001-\u0008\u000b-\u001f\u007f-\u009f]']] as const
const BATCH = 500

const cleanName = (name: string, fallback: string) => {
  try {
    return sanitizeText(name) || fallback
  } catch (error) {
    if (error instanceof MalformedMarkup) return fallback
    throw error
  }
}

async function cleanNames(knex: Knex, table: 'users' | 'companies', fallback: (id: number) => string) {
  for (let after = 0; ;) {
    const rows: { id: number; name: string }[] = await knex(table)
      .select('id', 'name')
      .whereRaw(...SUSPECT)
      .andWhere('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
    for (const { id, name } of rows) {
      const clean = cleanName(name, fallback(id))
      if (clean !== name) await knex(table).where({ id }).update({ name: clean })
    }
    if (rows.length < BATCH) return
    after = rows[rows.length - 1].id
  }
}

export async function up(knex: Knex): Promise<void> {
  await cleanNames(knex, 'users', (id) => `User ${id}`)
  await cleanNames(knex, 'companies', (id) => `Company ${id}`)
}

export async function down(): Promise<void> {
  // Nothing to undo: the markup that was removed is not restored
}
