import assert from 'assert'
import { useServer } from '../helpers/app'
import type { BookingWorld } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import { http, login, restClient, socketClient, socketOf, waitUntil } from '../helpers/clients'
import { redisSettings } from '../helpers/redis'
import { moved, scrape } from '../helpers/metrics'

const MESSAGES_PER_MINUTE = 5

describe('metrics after real traffic', function () {
  this.timeout(60_000)
  const server = useServer(() => ({
    redis: redisSettings(),
    limits: { messages_per_minute: MESSAGES_PER_MINUTE } as any,
    connections: { capacity: 250 } as any
  }))
  let world: BookingWorld
  let channelId: number

  before(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
  })

  it('counts calls by service, method, transport and code, with their durations, sends and refusals by budget', async () => {
    const before = await scrape(server.url)
    const rest = await restClient(server.url, world.worker)
    const socket = await socketClient(server.url, world.supervisor)
    await rest.service('messages').create({ channel_id: channelId, content: 'over REST' })
    await rest.service('messages').create({ channel_id: channelId, content: 'over REST again' })
    await socket.service('messages').create({ channel_id: channelId, content: 'over Socket.io' })
    // The worker's budget is MESSAGES_PER_MINUTE sends: the last of these is refused
    const refused: number[] = []
    for (let n = 2; n <= MESSAGES_PER_MINUTE; n++) {
      await rest
        .service('messages')
        .create({ channel_id: channelId, content: `more ${n}` })
        .catch((error: any) => refused.push(error.code))
    }
    assert.deepStrictEqual(refused, [429])
    const token = await login(server.url, world.worker)
    assert.strictEqual((await http(server.url, 'GET', '/messages/987654321', { token })).status, 404)

    const after = await scrape(server.url)
    const calls = (transport: string, method: string, code: string) => ({
      service: 'messages',
      method,
      transport,
      code
    })
    assert.strictEqual(moved(before, after, 'chat_service_calls_total', calls('rest', 'create', '201')), 5)
    assert.strictEqual(
      moved(before, after, 'chat_service_calls_total', calls('socketio', 'create', '201')),
      1
    )
    assert.strictEqual(moved(before, after, 'chat_service_calls_total', calls('rest', 'create', '429')), 1)
    assert.strictEqual(moved(before, after, 'chat_service_calls_total', calls('rest', 'get', '404')), 1)
    assert.ok(
      moved(before, after, 'chat_service_calls_total', { ...calls('internal', 'create', '201') }) === 0
    )
    const restCreates = { service: 'messages', method: 'create', transport: 'rest' }
    assert.strictEqual(moved(before, after, 'chat_service_call_duration_seconds_count', restCreates), 6)
    assert.ok(moved(before, after, 'chat_service_call_duration_seconds_sum', restCreates) > 0)
    assert.strictEqual(moved(before, after, 'chat_messages_sent_total', { transport: 'rest' }), 5)
    assert.strictEqual(moved(before, after, 'chat_messages_sent_total', { transport: 'socketio' }), 1)
    assert.strictEqual(moved(before, after, 'chat_rate_limited_total', { budget: 'messages' }), 1)
    assert.strictEqual(moved(before, after, 'chat_message_send_statement_duration_seconds_count'), 6)
    // The supervisor's connection heard six sends and the answers to its own calls
    assert.ok(moved(before, after, 'chat_socket_packets_sent_total') >= 8)
    // The room broadcasts went out through Redis and came back to this instance
    assert.ok(moved(before, after, 'chat_redis_pubsub_received_messages_total') >= 6)
    assert.ok(moved(before, after, 'chat_redis_pubsub_received_bytes_total') > 0)
    // ...having gone out from here: at least the six sends, each a room broadcast of its text
    assert.ok(moved(before, after, 'chat_redis_pubsub_published_messages_total') >= 6)
    assert.ok(moved(before, after, 'chat_redis_pubsub_published_bytes_total') > 6 * 'over REST'.length)
    // PostgreSQL: one send after another, each with nobody queued behind it, commits
    // synchronously and waits for no flush barrier (the histogram is there, with no count)
    assert.strictEqual(moved(before, after, 'chat_message_flush_barrier_duration_seconds_count'), 0)
  })

  it('shows the pool, the connections by state against the capacity, the Redis lag and the process', async () => {
    const before = await scrape(server.url)
    await socketClient(server.url, world.borrowerAdmin)
    // Not logged in: nothing waits for its connection, so wait for it here
    const anonymous = await socketClient(server.url)
    await waitUntil(() => socketOf(anonymous).connected, 'the anonymous connection')
    await http(server.url, 'GET', '/ready')
    const after = await scrape(server.url)
    assert.strictEqual(after.value('chat_database_pool_max_connections'), 10)
    assert.strictEqual(after.value('chat_database_pool_pending_acquires'), 0)
    for (const state of ['used', 'free', 'pending'])
      assert.ok(after.value('chat_database_pool_connections', { state })! >= 0, state)
    assert.ok(moved(before, after, 'chat_database_pool_acquire_duration_seconds_count') >= 1)
    assert.strictEqual(after.value('chat_socket_connections_capacity'), 250)
    const byState = (state: string) =>
      after.value('chat_socket_connections_by_state', { state, transport: 'websocket' })
    assert.ok(byState('authenticated')! >= 1 && byState('anonymous')! >= 1)
    assert.strictEqual(
      byState('authenticated')! +
        byState('anonymous')! +
        after.value('chat_socket_connections_by_state', { state: 'authenticated', transport: 'polling' })! +
        after.value('chat_socket_connections_by_state', { state: 'anonymous', transport: 'polling' })!,
      after.value('chat_socket_connections')
    )
    await waitUntil(
      async () => ((await scrape(server.url)).value('chat_redis_delivery_lag_seconds') ?? 99) < 1,
      'a Redis delivery lag under a second'
    )
    assert.ok(after.value('nodejs_eventloop_lag_p99_seconds')! >= 0)
    // prom-client leaves out a figure it could not read at one scrape (memory, from /proc): its name stays
    assert.ok(
      after.value('process_cpu_seconds_total')! > 0 && after.names.has('process_resident_memory_bytes')
    )
    assert.ok(
      after.names.has('chat_notifications_open') && after.names.has('chat_notification_deliveries_total')
    )
  })
})
