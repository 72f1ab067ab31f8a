import assert from 'assert'
import type Redis from 'ioredis'
import { io } from 'socket.io-client'
import { startApp } from '../helpers/app'
import { closeClients, http, socketClient, socketOf, waitUntil } from '../helpers/clients'
import { probeChannels } from '../../src/socketio/delivery-lag'
import { publish } from '../../src/redis/redis'
import { redisSettings } from '../helpers/redis'
import { bookingWorld, bookingChannel } from '../helpers/fixtures'

const connections = (overrides: Record<string, unknown>) => ({
  per_ip_per_minute: 120,
  trust_proxy: false,
  max_buffered_packets: 1000,
  max_delivery_lag_ms: 5000,
  ...overrides
})

const metric = async (url: string, name: string) => {
  const { text } = await http(url, 'GET', '/metrics')
  const line = text.split('\n').find((row) => row.startsWith(name))
  return line ? Number(line.split(' ').pop()) : 0
}

describe('connection limits and metrics', function () {
  this.timeout(60_000)

  afterEach(() => closeClients())

  it('refuses new connections over the per-address budget with a clear 429, and keeps serving', async () => {
    const server = await startApp({ connections: connections({ per_ip_per_minute: 3 }) })
    try {
      const sockets = Array.from({ length: 3 }, () =>
        io(server.url, { transports: ['websocket'], forceNew: true })
      )
      await Promise.all(
        sockets.map((socket) => new Promise<void>((resolve) => socket.on('connect', () => resolve())))
      )
      const refused = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false })
      const error: any = await new Promise((resolve) => refused.on('connect_error', resolve))
      assert.match(error.message, /Too many new connections/)
      assert.strictEqual(error.data.code, 429)
      assert.strictEqual(error.data.name, 'TooManyRequests')
      assert.strictEqual((await http(server.url, 'GET', '/health')).status, 200)
      assert.strictEqual(await metric(server.url, 'chat_socket_connections_refused_total'), 1)
      assert.strictEqual(await metric(server.url, 'chat_socket_connects_total'), 3)
      sockets.forEach((socket) => socket.close())
      await waitUntil(
        async () => (await metric(server.url, 'chat_socket_disconnects_total')) === 3,
        'three disconnects counted'
      )
    } finally {
      await server.close()
    }
  })

  it('drops a connection that stops reading instead of buffering for it without bound', async () => {
    const server = await startApp({ connections: connections({ max_buffered_packets: 20 }) })
    try {
      const { world, channel } = await bookingChannel(server.app)
      const stalled = await socketClient(server.url, world.supervisor)
      const healthy = await socketClient(server.url, world.worker)
      // The client stops reading: its TCP window fills and the server's packets queue up
      ;(socketOf(stalled).io.engine.transport as any).ws._socket.pause()
      const droppedCount = () =>
        metric(server.url, 'chat_socket_slow_consumers_dropped_total{reason="socket buffer"}')
      const content = 'x'.repeat(3900)
      for (let i = 1; i <= 3000 && (i % 50 !== 0 || (await droppedCount()) === 0); i++) {
        await server.app
          .service('messages')
          .create({ channel_id: channel.id, content }, { user: world.worker })
      }
      await waitUntil(async () => (await droppedCount()) === 1, 'the stalled connection is dropped', 10_000)
      assert.strictEqual(server.app.io.of('/').sockets.size, 1, 'only the stalled connection was dropped')
      assert.ok(socketOf(healthy).connected)
    } finally {
      await server.close()
    }
  })

  it('drops its connections when delivery through Redis lags beyond the bound', async () => {
    const server = await startApp({
      redis: redisSettings(),
      connections: connections({ max_delivery_lag_ms: 300 })
    })
    try {
      const world = await bookingWorld(server.app)
      const client = await socketClient(server.url, world.worker)
      const dropped = new Promise((resolve) => socketOf(client).on('disconnect', resolve))
      // A probe is in flight while this process is too busy to read it: it waits in the subscriber connection
      // A connection of the app's own kind (one server or a cluster), to every probe channel
      const publisher = (server.app.get('redisClient') as Redis).duplicate()
      try {
        const sharded = server.app.get('redis').adapter === 'sharded'
        for (const channel of probeChannels(server.app, sharded))
          await publish(publisher, sharded, channel, String(Date.now()))
        const until = Date.now() + 1000
        while (Date.now() < until) {
          // busy
        }
        await dropped
      } finally {
        publisher.disconnect()
      }
      assert.ok(
        (await metric(server.url, 'chat_socket_slow_consumers_dropped_total{reason="delivery lag"}')) >= 1
      )
    } finally {
      await server.close()
    }
  })
})
