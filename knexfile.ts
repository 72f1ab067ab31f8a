import fs from 'fs'
import path from 'path'
import type { Knex } from 'knex'

const directory = path.join(__dirname, 'migrations')
const MIGRATION_FILE = /^(\d{14}_[a-z0-9-]+)\.(ts|js)$/

/**
 * Migrations run from TypeScript in development and from the compiled JavaScript in
 * production. Each is named `<stem>.ts` whichever file runs, as every database has
 * recorded them so far, so that a database migrated by one finds nothing pending in the other.
 */
class MigrationFiles implements Knex.MigrationSource<string> {
  async getMigrations() {
    const stems = fs.readdirSync(directory).flatMap((file) => MIGRATION_FILE.exec(file)?.[1] ?? [])
    return [...new Set(stems)].sort()
  }

  getMigrationName(stem: string) {
    return `${stem}.ts`
  }

  async getMigration(stem: string): Promise<Knex.Migration> {
    // Resolves the .js file when compiled, the .ts file under tsx
    return require(path.join(directory, stem))
  }
}

// Migration settings shared by the app's start-up, `npm run migrate` and the tests
export const migrationConfig: Knex.MigratorConfig = {
  migrationSource: new MigrationFiles(),
  tableName: 'knex_migrations'
}
