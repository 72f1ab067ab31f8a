import type { RedisClient } from '../../../../redis/redis'
import type { Id } from '../../../../schema-types'

/**
 * Counts live connections per user across the deployment. `connect` and `disconnect`
 * answer whether that call turned the user online or offline (per user, not per tab).
 */
export interface PresenceStore {
  connect(userId: Id): Promise<boolean>
  disconnect(userId: Id): Promise<boolean>
  online(userIds: Id[]): Promise<Set<Id>>
  /** Users whose last connections were on an instance that died without saying so. */
  reapDeadInstances(): Promise<Id[]>
  /** Renews this instance's life; true when it had lapsed, so its counts may have been reaped. */
  heartbeat(): Promise<boolean>
  /** Sets this instance's counts to what its live connections say (after a lapse). */
  restore(counts: Map<Id, number>): Promise<void>
  close(): Promise<void>
}

export class MemoryPresenceStore implements PresenceStore {
  private counts = new Map<Id, number>()

  async connect(userId: Id) {
    const count = (this.counts.get(userId) ?? 0) + 1
    this.counts.set(userId, count)
    return count === 1
  }

  async disconnect(userId: Id) {
    const count = (this.counts.get(userId) ?? 0) - 1
    if (count > 0) this.counts.set(userId, count)
    else this.counts.delete(userId)
    return count === 0
  }

  async online(userIds: Id[]) {
    return new Set(userIds.filter((userId) => this.counts.has(userId)))
  }

  async reapDeadInstances() {
    return []
  }

  async heartbeat() {
    return false
  }

  async restore() {}

  async close() {}
}

// Whether any instance other than ARGV[1] that is still alive holds connections of the user in KEYS[1]
const OTHERS_ONLINE = `
local function others_online(user_key, instance, root)
  local fields = redis.call('HGETALL', user_key)
  for i = 1, #fields, 2 do
    if fields[i] ~= instance and tonumber(fields[i + 1]) > 0
      and redis.call('EXISTS', root .. 'alive:' .. fields[i]) == 1 then
      return true
    end
  end
  return false
end
`

// KEYS: user hash, instance hash. ARGV: instance, user id, the presence keys' root
const CONNECT = `${OTHERS_ONLINE}
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
if redis.call('HINCRBY', KEYS[1], ARGV[1], 1) > 1 then return 0 end
if others_online(KEYS[1], ARGV[1], ARGV[3]) then return 0 end
return 1`

const DISCONNECT = `${OTHERS_ONLINE}
if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then redis.call('HDEL', KEYS[2], ARGV[2]) end
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) > 0 then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
if others_online(KEYS[1], ARGV[1], ARGV[3]) then return 0 end
return 1`

// KEYS: the dead instance's hash, the instance set. ARGV: dead instance, the presence keys' root
const REAP = `${OTHERS_ONLINE}
local gone = {}
local users = redis.call('HKEYS', KEYS[1])
for _, user in ipairs(users) do
  local user_key = ARGV[2] .. 'user:' .. user
  redis.call('HDEL', user_key, ARGV[1])
  if not others_online(user_key, ARGV[1], ARGV[2]) then table.insert(gone, user) end
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return gone`

/**
 * Presence shared by every instance. Each instance counts its connections per user in
 * its own hash and in the user's hash, and keeps an `alive` key with a time to live
 * that its heartbeat renews: an instance that crashed stops counting when that key
 * expires, and the next heartbeat of another instance announces its users offline.
 *
 * The scripts read keys they find on the way (a user's instances' `alive` keys, a dead
 * instance's users), and transactions and pipelines span several keys. A Redis Cluster
 * runs that only on keys of one slot, so there every presence key carries the hash tag
 * `{presence}`: all of presence lives on one master. One server keeps the untagged names,
 * so that instances of an earlier version, during a rolling deploy, still count with it.
 */
export class RedisPresenceStore implements PresenceStore {
  /** what every presence key starts with */
  private root: string

  constructor(
    private instance: string,
    private redis: RedisClient,
    prefix: string,
    private expirySeconds: number,
    onCluster = false
  ) {
    this.root = `${prefix}${onCluster ? '{presence}' : 'presence'}:`
  }

  private key = (...parts: Array<string | number>) => this.root + parts.join(':')

  connect(userId: Id) {
    return this.transition(CONNECT, userId)
  }

  disconnect(userId: Id) {
    return this.transition(DISCONNECT, userId)
  }

  private async transition(script: string, userId: Id) {
    const keys = [this.key('user', userId), this.key('instance', this.instance)]
    const result = await this.redis.eval(
      script,
      keys.length,
      ...keys,
      this.instance,
      String(userId),
      this.root
    )
    return result === 1
  }

  async online(userIds: Id[]) {
    if (!userIds.length) return new Set<Id>()
    const pipeline = this.redis.pipeline()
    userIds.forEach((userId) => pipeline.hgetall(this.key('user', userId)))
    const counts = (await pipeline.exec())!.map(([, value]) => value as Record<string, string>)
    const instances = [...new Set(counts.flatMap((byInstance) => Object.keys(byInstance)))]
    const alive = new Set<string>()
    if (instances.length) {
      const flags = await this.redis
        .pipeline(instances.map((instance) => ['exists', this.key('alive', instance)]))
        .exec()
      flags!.forEach(([, exists], index) => exists === 1 && alive.add(instances[index]))
    }
    return new Set(
      userIds.filter((_, index) =>
        Object.entries(counts[index]).some(([instance, count]) => Number(count) > 0 && alive.has(instance))
      )
    )
  }

  private beats = 0

  async heartbeat() {
    const [[, previous]] = (await this.redis
      .multi()
      .call('SET', this.key('alive', this.instance), '1', 'EX', String(this.expirySeconds), 'GET')
      .sadd(this.key('instances'), this.instance)
      .exec()) as [[Error | null, string | null], unknown]
    return this.beats++ > 0 && previous === null
  }

  async restore(counts: Map<Id, number>) {
    const pipeline = this.redis.multi().del(this.key('instance', this.instance))
    for (const [userId, count] of counts) {
      pipeline.hset(this.key('instance', this.instance), String(userId), count)
      pipeline.hset(this.key('user', userId), this.instance, count)
    }
    await pipeline.exec()
  }

  async reapDeadInstances() {
    const instances = await this.redis.smembers(this.key('instances'))
    const gone: Id[] = []
    for (const instance of instances) {
      if (instance === this.instance || (await this.redis.exists(this.key('alive', instance)))) continue
      // One instance reaps each dead one, so its users are announced offline once
      const claimed = await this.redis.set(this.key('reaping', instance), this.instance, 'EX', 60, 'NX')
      if (!claimed) continue
      const users = (await this.redis.eval(
        REAP,
        2,
        this.key('instance', instance),
        this.key('instances'),
        instance,
        this.root
      )) as string[]
      gone.push(...users.map(Number))
    }
    return gone
  }

  /** Stops counting this instance; whatever it still held is reaped by the others. */
  async close() {
    await this.redis.del(this.key('alive', this.instance))
  }
}
