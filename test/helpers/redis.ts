import crypto from 'crypto'
import Redis from 'ioredis'

export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

// Every run keeps its keys under its own prefix, so parallel runs never meet
export const testRedisPrefix = `chat-test-${process.pid}-${crypto.randomBytes(3).toString('hex')}:`

// TEST_REDIS_ADAPTER=sharded runs every multi-instance test on the sharded adapter
export const testRedisAdapter = (process.env.TEST_REDIS_ADAPTER ?? 'classic') as 'classic' | 'sharded'

// TEST_REDIS_CLUSTER_NODES (set by `npm run test:cluster`) runs them on a Redis Cluster, sharded
export const testClusterNodes = process.env.TEST_REDIS_CLUSTER_NODES?.split(',').filter(Boolean) ?? []

export const redisSettings = (prefix = testRedisPrefix) =>
  testClusterNodes.length
    ? { url: null, cluster_nodes: testClusterNodes, keyPrefix: prefix, adapter: 'sharded' as const }
    : { url: testRedisUrl, keyPrefix: prefix, adapter: testRedisAdapter }

export async function removeTestRedisKeys(prefix = testRedisPrefix) {
  // On a cluster every master holds some of the keys
  const servers = testClusterNodes.length ? testClusterNodes.map((node) => `redis://${node}`) : [testRedisUrl]
  await Promise.all(servers.map((url) => removeKeysFrom(url, prefix)))
}

async function removeKeysFrom(url: string, prefix: string) {
  const redis = new Redis(url)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      // One key per command: a cluster node refuses a DEL of keys in different slots
      if (keys.length) await keys.reduce((pipeline, key) => pipeline.del(key), redis.pipeline()).exec()
      cursor = next
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}
