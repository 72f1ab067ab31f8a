import path from 'path'
import type { Knex } from 'knex'

// Migration settings shared by the app's start-up, `npm run migrate` and the tests
export const migrationConfig: Knex.MigratorConfig = {
  directory: path.join(__dirname, 'migrations'),
  extension: 'ts',
  loadExtensions: ['.ts', '.js'],
  tableName: 'knex_migrations'
}
