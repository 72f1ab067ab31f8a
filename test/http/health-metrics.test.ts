import assert from 'assert'
import { once } from 'events'
import type { AddressInfo } from 'net'
import { createApp } from '../../src/app'
import { stopServing } from '../../src/http/shutdown'
import { useServer } from '../helpers/app'
import { http as request, socketClient } from '../helpers/clients'
import { bookingWorld } from '../helpers/fixtures'

describe('operations', function () {
  this.timeout(90_000)

  describe('health, readiness and metrics', () => {
    const server = useServer()

    it('GET /health answers 200', async () => {
      const health = await request<{ status: string }>(server.url, 'GET', '/health')
      assert.strictEqual(health.status, 200)
      assert.strictEqual(health.body?.status, 'ok')
    })

    it('GET /ready answers 200 while the database answers', async () => {
      const ready = await request<{ status: string }>(server.url, 'GET', '/ready')
      assert.strictEqual(ready.status, 200)
      assert.strictEqual(ready.body?.status, 'ready')
    })

    it('GET /metrics answers Prometheus text with the socket gauge and process metrics', async () => {
      const gauge = (text: string) => Number(/^chat_socket_connections (\d+)$/m.exec(text)?.[1])
      const before = await fetch(server.url + '/metrics')
      assert.strictEqual(before.status, 200)
      assert.match(before.headers.get('content-type') ?? '', /^text\/plain/)
      const text = await before.text()
      assert.match(text, /^# TYPE chat_socket_connections gauge$/m)
      assert.match(text, /^process_cpu_user_seconds_total \d/m)
      assert.match(text, /^nodejs_heap_size_used_bytes \d/m)
      const idle = gauge(text)
      assert.ok(Number.isInteger(idle))

      const world = await bookingWorld(server.app)
      await socketClient(server.url, world.worker)
      await socketClient(server.url, world.supervisor)
      const after = await (await fetch(server.url + '/metrics')).text()
      assert.strictEqual(gauge(after), idle + 2, 'the gauge counts the open Socket.io connections')
    })

    it('GET /ready answers 503 (and /health still 200) when the database does not answer', async () => {
      const app = createApp({
        database: {
          url: 'postgres://postgres@127.0.0.1:1/unreachable',
          dataDir: '',
          pool: { min: 0, max: 1 }
        }
      })
      const listening = await app.listen(0, '127.0.0.1')
      try {
        if (!listening.listening) await once(listening, 'listening')
        const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`
        const ready = await request(url, 'GET', '/ready')
        assert.strictEqual(ready.status, 503)
        const health = await request(url, 'GET', '/health')
        assert.strictEqual(health.status, 200)
      } finally {
        await stopServing(app, listening)
      }
    })
  })
})
