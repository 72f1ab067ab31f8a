import { createKnex } from '../database/postgresql'
import { migrate } from '../database/migrate'
import configuration from '@feathersjs/configuration'
import { feathers } from '@feathersjs/feathers'

async function main() {
  const settings = feathers().configure(configuration())
  const db = createKnex(settings.get('database'))
  try {
    const applied = await migrate(db)
    console.log(
      applied.length
        ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
        : 'Database is up to date'
    )
  } finally {
    await db.destroy()
  }
}

// A program, as the other commands are (`npm run migrate` under tsx, `node lib/src/commands/migrate.js`
// in production): importing it runs nothing
if (require.main === module) {
  main().catch((error) => {
    console.error(`Migration failed: ${error.message}`)
    process.exit(1)
  })
}
