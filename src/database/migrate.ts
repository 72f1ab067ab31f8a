import type { Knex } from 'knex'
import { migrationConfig } from '../../knexfile'

/** Runs pending migrations; returns the names of those that ran. */
export async function migrate(db: Knex): Promise<string[]> {
  const [, applied] = await db.migrate.latest(migrationConfig)
  return applied
}
