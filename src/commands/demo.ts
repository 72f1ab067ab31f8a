import { createApp } from '../app'
import { migrate } from '../database/migrate'
import { describeDemo, seedDemo } from '../seed/demo'

async function main() {
  const app = createApp()
  await migrate(app.get('postgresqlClient'))
  await app.setup()
  try {
    const existing = await app.service('users').find({ query: { email: 'admin@demo.local', $limit: 0 } })
    if (existing.total > 0) {
      console.log('Demo data is already there (admin@demo.local exists).')
      return
    }
    console.log(describeDemo(await seedDemo(app), `http://${app.get('host')}:${app.get('port')}`))
  } finally {
    await app.teardown()
  }
}

main().catch((error) => {
  console.error(`Could not seed the demo: ${error.message}`)
  process.exit(1)
})
