import type { Application } from '../../../declarations'
import { isClustered, redisKey } from '../../../redis/redis'

/**
 * A counter bumped on every participant change, on whichever instance makes it. A
 * connection that reads its channels while the counter moves reads them again: the
 * change may have moved sockets before the read saw it, or after the read was made.
 */
export interface MembershipVersion {
  current(): Promise<number>
  bump(): Promise<void>
}

export function createMembershipVersion(app: Application): MembershipVersion {
  if (isClustered(app)) {
    const key = redisKey(app, 'membership-version')
    return {
      current: async () => Number((await app.get('redisClient')!.get(key)) ?? 0),
      bump: async () => void (await app.get('redisClient')!.incr(key))
    }
  }
  let version = 0
  return {
    current: async () => version,
    bump: async () => void version++
  }
}
