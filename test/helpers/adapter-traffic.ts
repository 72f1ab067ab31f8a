import { Cluster } from 'ioredis'
import type { Application } from '../../src/declarations'
import type { RedisClient } from '../../src/redis/redis'

export interface Delivery {
  channel: string
  bytes: number
  text: string
}

/**
 * Records what reaches an instance over the subscriber connection that carries the
 * adapter's traffic (the room relay and the lag probe ride on it too). The adapters keep
 * that connection as `subClient`, which only the sharded one's types call private.
 */
export function tapDelivery(app: Application, keepText = true) {
  const subscriber = (app.io.of('/').adapter as unknown as { subClient: RedisClient }).subClient
  const received: Delivery[] = []
  let on = true
  const record = (channel: Buffer, message: Buffer) => {
    if (on)
      received.push({
        channel: channel.toString(),
        bytes: message.length,
        text: keepText ? message.toString() : ''
      })
  }
  const recordPattern = (_pattern: Buffer, channel: Buffer, message: Buffer) => record(channel, message)
  subscriber.on('messageBuffer', record)
  subscriber.on('pmessageBuffer', recordPattern)
  subscriber.on('smessageBuffer', record)
  return {
    received,
    /** what arrived other than the lag probe, which each instance sends itself every second */
    traffic: () => received.filter(({ channel }) => !channel.includes('lag-probe')),
    stop() {
      on = false
      subscriber.off('messageBuffer', record)
      subscriber.off('pmessageBuffer', recordPattern)
      subscriber.off('smessageBuffer', record)
    }
  }
}

/** How many connections subscribe to a channel (a shard channel if `sharded`), over every master of a cluster. */
export async function subscribers(client: RedisClient, channel: string, sharded = true) {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client]
  const command = sharded ? 'SHARDNUMSUB' : 'NUMSUB'
  const replies = await Promise.all(
    nodes.map((node) => node.call('PUBSUB', command, channel) as Promise<[string, number]>)
  )
  return replies.reduce((sum, [, count]) => sum + Number(count), 0)
}
