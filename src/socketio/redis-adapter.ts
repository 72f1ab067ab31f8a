import type { Server } from 'socket.io'
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter'
import type { Application } from '../declarations'
import { isClustered, redisKey, redisSubscriber } from '../redis/redis'
import { boundDeliveryLag } from './delivery-lag'
import { localRelay, serverSideRelay, shardedRoomRelay } from './room-relay'
import type { RoomRelay } from './room-relay'
import { countRedisPublishes, countRedisReceipts } from '../metrics/deliveries'

/**
 * Shares rooms between instances through Redis, and returns how to relay what each
 * instance must handle itself (see room-relay.ts).
 *
 * - classic: every room broadcast goes to every instance, whether it has sockets in
 *   the room or not. Works on any Redis (and on a cluster, where each message is copied
 *   to every node over the cluster bus).
 * - sharded (Redis 7): a broadcast to one room goes to a shard channel of that room's
 *   own, to which only the instances with sockets in it subscribe ('dynamic' mode);
 *   requests to all instances (socketsJoin, socketsLeave, disconnectSockets,
 *   fetchSockets, server-side events) use one shared channel. The two do not hear each
 *   other, so every instance must run the same one.
 *
 * `onShed` hears how many connections were dropped because delivery through Redis lagged.
 */
export function attachRedisAdapter(
  app: Application,
  io: Server,
  onShed: (dropped: number) => void
): RoomRelay {
  if (!isClustered(app)) return localRelay
  const subscriber = redisSubscriber(app)
  const client = countRedisPublishes(app, app.get('redisClient')!)
  const sharded = app.get('redis').adapter === 'sharded'
  io.adapter(
    sharded
      ? createShardedAdapter(client, subscriber, {
          channelPrefix: redisKey(app, 'socket.io'),
          subscriptionMode: 'dynamic'
        })
      : createAdapter(client, subscriber, { key: redisKey(app, 'socket.io'), requestsTimeout: 3000 })
  )
  boundDeliveryLag(app, io, subscriber, sharded, onShed)
  countRedisReceipts(app, subscriber)
  return sharded ? shardedRoomRelay(app, io, subscriber) : serverSideRelay(io)
}
