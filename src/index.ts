import { createApp } from './app'
import { migrate } from './migrate'
import { ensureBootstrapAdmin } from './bootstrap'
import { describeDemo, seedDemo } from './demo'
import { shutdown } from './shutdown'
import { logger } from './logger'
import { ConfigurationError } from './configuration'
import { checkAuthSecret } from './modules/identity/auth-secret'

async function start() {
  const app = createApp()
  checkAuthSecret(app)
  const applied = await migrate(app.get('postgresqlClient'))
  if (applied.length) logger.info('applied migrations', { migrations: applied })
  await ensureBootstrapAdmin(app)

  const host = app.get('host')
  const port = app.get('port')
  const server = await app.listen(port, host)
  const baseUrl = `http://${host}:${port}`
  logger.info('listening', { url: baseUrl, database: app.get('database').url ? 'postgresql' : 'embedded' })

  // Only the embedded database's first start: known demo logins never reach a real server
  const embedded = !app.get('database').url
  const firstRun = embedded && (await app.service('users').find({ query: { $limit: 0 } })).total === 0
  if (firstRun && process.env.NODE_ENV !== 'production') {
    console.log(describeDemo(await seedDemo(app), baseUrl))
  }

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info('stopping', { signal })
    shutdown(app, server).then(
      () => process.exit(0),
      (error) => {
        logger.error('unclean shutdown', { error: error?.message })
        process.exit(1)
      }
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

process.on('unhandledRejection', (reason: any) => logger.error('unhandled rejection', { error: reason?.message ?? String(reason) }))

start().catch((error) => {
  if (error instanceof ConfigurationError) logger.error('could not start', { error: error.message })
  else logger.error('could not start', { error: error?.message, stack: error?.stack })
  process.exit(1)
})
