import { Counter } from 'prom-client'
import type { Server } from 'socket.io'
import type { Application } from '../declarations'
import type { RedisClient } from '../redis/redis'
import { perApp } from './per-app'

export const deliveryMetrics = perApp((registers) => ({
  packetsSent: new Counter({
    name: 'chat_socket_packets_sent_total',
    help: 'Socket.io packets written to this instance’s connections: live events and answers to calls (not heartbeats)',
    registers
  }),
  redisReceived: new Counter({
    name: 'chat_redis_pubsub_received_messages_total',
    help: 'Messages this instance received through Redis pub/sub: the adapter’s room broadcasts and requests, relayed events, lag probes',
    registers
  }),
  redisReceivedBytes: new Counter({
    name: 'chat_redis_pubsub_received_bytes_total',
    help: 'Bytes of the messages this instance received through Redis pub/sub',
    registers
  }),
  redisPublished: new Counter({
    name: 'chat_redis_pubsub_published_messages_total',
    help: 'Messages this instance published to Redis through the Socket.io adapter: room broadcasts, requests to the other instances and answers to theirs',
    registers
  }),
  redisPublishedBytes: new Counter({
    name: 'chat_redis_pubsub_published_bytes_total',
    help: 'Bytes of the messages this instance published to Redis through the Socket.io adapter',
    registers
  })
}))

/**
 * Counts every packet written to a connection. One listener function is shared by all
 * connections (a connection holds a reference to it, not a closure of its own).
 */
export function countSocketDeliveries(app: Application, io: Server) {
  const { packetsSent } = deliveryMetrics(app)
  const onPacket = (packet: { type: string }) => {
    if (packet.type === 'message') packetsSent.inc()
  }
  io.engine.on('connection', (socket: { on(event: 'packetCreate', listener: typeof onPacket): void }) =>
    socket.on('packetCreate', onPacket)
  )
}

/** Counts what arrives on the adapter's subscriber connection(s), classic, pattern or sharded. */
export function countRedisReceipts(app: Application, subscriber: RedisClient) {
  const { redisReceived, redisReceivedBytes } = deliveryMetrics(app)
  const onMessage = (...args: Buffer[]) => {
    redisReceived.inc()
    redisReceivedBytes.inc(args[args.length - 1]?.length ?? 0)
  }
  for (const event of ['messageBuffer', 'pmessageBuffer', 'smessageBuffer']) subscriber.on(event, onMessage)
}

type Publish = (channel: string | Buffer, message: string | Buffer) => Promise<unknown>

/**
 * The client to hand the Socket.io adapter, counting what it publishes (PUBLISH with the
 * classic adapter, SPUBLISH with the sharded one). The adapters take the client as it is
 * and publish from many places; a proxy that counts those two methods and passes every
 * other property through is the one place that sees them all. Methods run with the proxy
 * as `this`, so that whatever they read comes from the client itself.
 */
export function countRedisPublishes(app: Application, client: RedisClient): RedisClient {
  const { redisPublished, redisPublishedBytes } = deliveryMetrics(app)
  const counted =
    (publish: Publish): Publish =>
    (channel, message) => {
      redisPublished.inc()
      redisPublishedBytes.inc(typeof message === 'string' ? Buffer.byteLength(message) : message.length)
      return publish(channel, message)
    }
  const publish = counted((channel, message) => client.publish(channel, message))
  const spublish = counted((channel, message) => client.spublish(channel, message))
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'publish'
        ? publish
        : property === 'spublish'
          ? spublish
          : Reflect.get(target, property, receiver)
  })
}
