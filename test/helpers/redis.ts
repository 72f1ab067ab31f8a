import crypto from 'crypto'
import Redis from 'ioredis'

export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

// Every run keeps its keys under its own prefix, so parallel runs never meet
export const testRedisPrefix = `chat-test-${process.pid}-${crypto.randomBytes(3).toString('hex')}:`

// TEST_REDIS_ADAPTER=sharded runs every multi-instance test on the sharded adapter
export const testRedisAdapter = (process.env.TEST_REDIS_ADAPTER ?? 'classic') as 'classic' | 'sharded'

export const redisSettings = (prefix = testRedisPrefix) => ({ url: testRedisUrl, keyPrefix: prefix, adapter: testRedisAdapter })

export async function removeTestRedisKeys(prefix = testRedisPrefix) {
  const redis = new Redis(testRedisUrl)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      if (keys.length) await redis.del(...keys)
      cursor = next
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}
