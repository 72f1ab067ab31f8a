import net from 'net'
import { feathers } from '@feathersjs/feathers'
import configuration from '@feathersjs/configuration'
import { createApp } from './app'
import { migrate } from './database/migrate'
import { ensureBootstrapAdmin } from './seed/bootstrap-admin'
import { describeDemo, seedDemo } from './seed/demo'
import { shutdown } from './http/shutdown'
import { logger } from './logging/logger'
import { DataFolderInUse } from './database/embedded-lock'
import { ConfigurationError } from './configuration'
import { requireValidConfiguration } from './configuration-check'
import { onRedisCluster, requireShardedPubSub } from './redis/redis'
import { checkAuthSecret } from './modules/identity/auth-secret'

class PortInUse extends Error {}

/**
 * Feathers' listen() sets the app up before the port's error can be heard, so a taken
 * port would crash the process with a stack after it had already logged "listening".
 */
async function ensurePortFree(port: number, host: string) {
  if (port === 0) return
  const probe = net.createServer()
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: any) =>
      reject(
        error?.code === 'EADDRINUSE'
          ? new PortInUse(
              `Port ${port} on ${host} is already in use: is the server running already? Set PORT to use another.`
            )
          : error
      )
    )
    probe.listen(port, host, () => probe.close(() => resolve()))
  })
}

// PostgreSQL answering with a refusal is not PostgreSQL being away: say what it refused
const REFUSALS: Record<string, string> = {
  '3D000': 'the database named in the URL does not exist',
  '28000': 'the role named in the URL does not exist or may not connect',
  '28P01': 'the password in the URL is wrong'
}

// A client that retries by itself (ioredis with a cluster that is not up) would otherwise wait without end
const REACH_TIMEOUT_MS = 10_000

/** A dependency that does not answer at start is said in one line, not as a stack. */
async function reach(what: string, setting: string, probe: () => Promise<unknown>) {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${REACH_TIMEOUT_MS / 1000} s`)),
      REACH_TIMEOUT_MS
    )
  })
  try {
    await Promise.race([probe(), timeout])
  } catch (error: any) {
    const refusal = REFUSALS[error?.code]
    throw new ConfigurationError(
      refusal
        ? `${what} answers but refuses: ${refusal} (${error.code}: ${error.message}); fix ${setting}, or create it`
        : `${what} does not answer (${error?.code ?? error?.message}): start it, or check ${setting}`
    )
  } finally {
    clearTimeout(timer)
  }
}

async function start() {
  // Before the app opens the database: a start that cannot listen must not touch the data folder
  const settings = feathers().configure(configuration())
  await requireValidConfiguration(settings.settings)
  await ensurePortFree(settings.get('port'), settings.get('host'))
  const app = createApp()
  checkAuthSecret(app)
  await reach('PostgreSQL', 'DATABASE_URL', () => app.get('postgresqlClient').raw('select 1'))
  const redis = app.get('redisClient')
  if (redis) {
    await reach('Redis', onRedisCluster(app) ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL', () => redis.ping())
    await requireShardedPubSub(app)
  }
  const applied = await migrate(app.get('postgresqlClient'))
  if (applied.length) logger.info('applied migrations', { migrations: applied })
  await ensureBootstrapAdmin(app)

  // Everything a first login needs exists before the port opens, so /health and /ready
  // answering means the printed logins work. Demo people are seeded only on the embedded
  // database's first start: known logins never reach a real server
  const embedded = !app.get('database').url
  const firstRun = embedded && (await app.service('users').find({ query: { $limit: 0 } })).total === 0
  const demo = firstRun && process.env.NODE_ENV !== 'production' ? await seedDemo(app) : undefined

  const port = app.get('port')
  const server = await app.listen(port, app.get('host'))
  const baseUrl = `http://${app.get('host')}:${port}`
  logger.info('listening', { url: baseUrl, database: app.get('database').url ? 'postgresql' : 'embedded' })
  if (demo) console.log(describeDemo(demo, baseUrl))

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info('stopping', { signal, drain_seconds: app.get('shutdown').drain_seconds })
    const { drain_seconds, grace_seconds } = app.get('shutdown')
    shutdown(app, server, { drainMs: drain_seconds * 1000, graceMs: grace_seconds * 1000 }).then(
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

process.on('unhandledRejection', (reason: any) =>
  logger.error('unhandled rejection', { error: reason?.message ?? String(reason) })
)

start().catch((error) => {
  if (error instanceof DataFolderInUse || error instanceof PortInUse) console.error(error.message)
  else if (error instanceof ConfigurationError) logger.error('could not start', { error: error.message })
  else logger.error('could not start', { error: error?.message, stack: error?.stack })
  process.exit(1)
})
