import Redis, { Cluster } from 'ioredis'
import type { Application } from '../declarations'
import { ConfigurationError } from '../configuration'
import { logger } from '../logging/logger'
import { afterTeardown } from '../process/teardown'

/** One Redis server, or a Redis Cluster: both answer the commands this service sends. */
export type RedisClient = Redis | Cluster

export const REDIS_ADAPTERS = ['classic', 'sharded'] as const

/** Whether instances share Redis (REDIS_URL or REDIS_CLUSTER_NODES): rooms, presence and limits across instances. */
export const isClustered = (app: Application) => Boolean(app.get('redis').url) || clusterNodes(app).length > 0

/** Whether that Redis is a Redis Cluster (REDIS_CLUSTER_NODES). */
export const onRedisCluster = (app: Application) => clusterNodes(app).length > 0

/**
 * Whether this service's own channels use sharded pub/sub (Redis 7: SSUBSCRIBE, SPUBLISH).
 * On a cluster a classic PUBLISH is copied to every node over the cluster bus, a sharded
 * one goes to the node that owns its channel's slot only; with the sharded adapter Redis
 * 7 is needed anyway. One server with the classic adapter keeps classic pub/sub, so
 * Redis 6 still serves it.
 */
export const usesShardedPubSub = (app: Application) =>
  onRedisCluster(app) || app.get('redis').adapter === 'sharded'

const clusterNodes = (app: Application): string[] => {
  const nodes = app.get('redis').cluster_nodes
  const list = typeof nodes === 'string' ? nodes.split(',') : (nodes ?? [])
  return list.map((node) => node.trim()).filter(Boolean)
}

/** Keys of this deployment in a Redis that other deployments (or test runs) may share. */
export const redisKey = (app: Application, ...parts: Array<string | number>) =>
  [app.get('redis').keyPrefix + parts[0], ...parts.slice(1)].join(':')

/** Wrong Redis settings stop the start with one line that says what to set, before anything connects. */
function checkRedisSettings(app: Application) {
  const { adapter, url } = app.get('redis')
  if (!REDIS_ADAPTERS.includes(adapter)) {
    throw new ConfigurationError(
      `REDIS_ADAPTER is '${adapter}': set it to ${REDIS_ADAPTERS.map((name) => `'${name}'`).join(' or ')}`
    )
  }
  if (url && onRedisCluster(app)) {
    throw new ConfigurationError(
      'REDIS_URL and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis server or REDIS_CLUSTER_NODES for a Redis Cluster, not both'
    )
  }
  for (const node of clusterNodes(app)) {
    if (!/^[^\s:]+:\d+$/.test(node)) {
      throw new ConfigurationError(
        `REDIS_CLUSTER_NODES has '${node}': give comma-separated host:port seeds, such as 10.0.0.1:7000,10.0.0.2:7000`
      )
    }
  }
}

const seed = (node: string) => {
  const at = node.lastIndexOf(':')
  return { host: node.slice(0, at), port: Number(node.slice(at + 1)) }
}

/**
 * With REDIS_URL or REDIS_CLUSTER_NODES, instances share Socket.io rooms through the
 * Redis adapter: a room broadcast or a socketsJoin on one instance reaches the sockets of
 * every instance. On a cluster, ioredis follows the slots (MOVED, new nodes) by itself.
 */
export const redis = (app: Application) => {
  checkRedisSettings(app)
  app.set('redisSubscribers', [])
  if (!isClustered(app)) return
  const client: RedisClient = onRedisCluster(app)
    ? new Cluster(clusterNodes(app).map(seed), { redisOptions: { maxRetriesPerRequest: 3 } })
    : new Redis(app.get('redis').url!, { lazyConnect: false, maxRetriesPerRequest: 3 })
  client.on('error', (error) => logger.warn('redis error', { error: error.message }))
  app.set('redisClient', client)
  afterTeardown(app, async () => {
    await Promise.allSettled(app.get('redisSubscribers').map((subscriber) => subscriber.quit()))
    await client.quit().catch(() => client.disconnect())
  })
}

/**
 * A second connection for subscriptions (a subscribed connection can issue nothing else).
 * On a cluster it keeps one connection per master for sharded channels, each subscribed
 * where its channel's slot lives.
 */
export const redisSubscriber = (app: Application): RedisClient => {
  const client = app.get('redisClient')!
  const subscriber =
    client instanceof Cluster ? client.duplicate([], { shardedSubscribers: true }) : client.duplicate()
  subscriber.on('error', (error) => logger.warn('redis subscriber error', { error: error.message }))
  app.get('redisSubscribers').push(subscriber)
  return subscriber
}

/**
 * Subscribes `subscriber` to `channel` (sharded or not, as `sharded` says) and hands
 * `listener` each message published to it with `publish` below.
 */
export async function subscribe(
  subscriber: RedisClient,
  sharded: boolean,
  channel: string,
  listener: (message: string) => void
) {
  subscriber.on(sharded ? 'smessage' : 'message', (from: string, message: string) => {
    if (from === channel) listener(message)
  })
  await (sharded ? subscriber.ssubscribe(channel) : subscriber.subscribe(channel))
}

export const publish = (client: RedisClient, sharded: boolean, channel: string, message: string) =>
  sharded ? client.spublish(channel, message) : client.publish(channel, message)

/** Sharded pub/sub needs Redis 7: an older server is said at start, not by messages that never arrive. */
export async function requireShardedPubSub(app: Application) {
  if (!usesShardedPubSub(app)) return
  try {
    await app.get('redisClient')!.spublish(redisKey(app, 'start-up'), '')
  } catch (error: any) {
    const why = onRedisCluster(app) ? 'a Redis Cluster' : "REDIS_ADAPTER 'sharded'"
    throw new ConfigurationError(
      `${why} needs Redis 7 or later for sharded pub/sub (SPUBLISH: ${error?.message})`
    )
  }
}
