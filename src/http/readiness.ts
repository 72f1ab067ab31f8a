import Redis, { Cluster } from 'ioredis'
import type { Application } from '../declarations'
import { logger } from '../logging/logger'
import { redisKey } from '../redis/redis'
import type { RedisClient } from '../redis/redis'
import { isDraining } from './shutdown'

// A probe answers within this even when a dependency does not answer at all
const CHECK_TIMEOUT_MS = 3000

export type State = 'ok' | 'down' | 'not configured'

/** Why a dependency cannot serve, in words of a fixed set (a metric label): never a host or a driver's message. */
export type Reason =
  | 'no answer'
  | 'unreachable'
  | 'wrong database index'
  | 'read-only replica'
  | 'cluster without slots'
  | 'error'

export interface Readiness {
  ready: boolean
  draining: boolean
  database: State
  redis: State
  reasons: { database?: Reason; redis?: Reason }
}

class NotServing extends Error {
  constructor(
    message: string,
    readonly reason: Reason
  ) {
    super(message)
  }
}

const reasonOf = (error: any): Reason => {
  if (error instanceof NotServing) return error.reason
  const message = String(error?.message ?? error)
  if (/^READONLY/.test(message)) return 'read-only replica'
  if (/^CLUSTERDOWN|slot/i.test(message)) return 'cluster without slots'
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|max retries|Connection is closed|connect/i.test(message))
    return 'unreachable'
  return 'error'
}

/** Whether one dependency serves; why not goes to the log and the caller, never to the prober. */
async function check(
  name: string,
  probe: (() => Promise<unknown>) | undefined
): Promise<{ state: State; reason?: Reason }> {
  if (!probe) return { state: 'not configured' }
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new NotServing(`no answer within ${CHECK_TIMEOUT_MS} ms`, 'no answer')),
      CHECK_TIMEOUT_MS
    )
  })
  try {
    await Promise.race([probe(), timeout])
    return { state: 'ok' }
  } catch (error: any) {
    const reason = reasonOf(error)
    logger.warn('not ready', { dependency: name, reason, error: error?.message ?? String(error) })
    return { state: 'down', reason }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Whether Redis serves this service's commands, not only whether it answers PING:
 * ioredis carries on in database 0 when selecting the configured one fails (an index out
 * of range), a replica answers reads but refuses every write, and a cluster that lost a
 * master's slots answers for the others only. So the probe asks the connection which
 * database it is in, writes a short-lived key under the prefix, and on a cluster asks
 * whether every slot is served.
 */
async function probeRedis(app: Application, client: RedisClient) {
  if (client instanceof Cluster) {
    const info = String(await client.cluster('INFO'))
    if (!/cluster_state:ok/.test(info)) throw new NotServing(info.split('\r\n')[0], 'cluster without slots')
  } else {
    const wanted = (client as Redis).options.db ?? 0
    const info = String(await client.call('CLIENT', 'INFO'))
    const db = Number(/ db=(\d+)/.exec(info)?.[1] ?? wanted)
    if (db !== wanted)
      throw new NotServing(`connected to database ${db}, not ${wanted}`, 'wrong database index')
  }
  await client.set(redisKey(app, 'ready-probe', app.get('instanceId')), '1', 'PX', 10_000)
}

/** What `/ready` answers, and `/metrics` reports (chat_ready). */
export async function checkReadiness(app: Application): Promise<Readiness> {
  const redis = app.get('redisClient')
  const [database, redisCheck] = await Promise.all([
    check('database', () => app.get('postgresqlClient').raw('select 1')),
    check('redis', redis && (() => probeRedis(app, redis)))
  ])
  const draining = isDraining(app)
  return {
    ready: !draining && database.state === 'ok' && redisCheck.state !== 'down',
    draining,
    database: database.state,
    redis: redisCheck.state,
    reasons: { database: database.reason, redis: redisCheck.reason }
  }
}
