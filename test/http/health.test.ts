import assert from 'assert'
import net from 'net'
import { once } from 'events'
import type { AddressInfo } from 'net'
import { startApp } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import { testDatabaseUrl } from '../helpers/database'
import { http, waitUntil } from '../helpers/clients'
import { freePort, killTree, serve } from '../helpers/processes'
import type { Command } from '../helpers/processes'
import { testRedisPrefix, testRedisUrl } from '../helpers/redis'

/** A TCP relay to Redis that can be cut, the way a Redis host that goes away looks to the app. */
async function redisRelay() {
  const target = new URL(testRedisUrl)
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => socket.destroy())
      socket.on('close', () => sockets.delete(socket))
    }
    client.pipe(upstream).pipe(client)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    port,
    cut: () => {
      server.close()
      for (const socket of sockets) socket.destroy()
    }
  }
}

/**
 * /ready is open to anyone: it says which dependency is down and nothing else, no
 * host, port or driver message. The reason goes to the log.
 */
describe('GET /ready with a dependency down', function () {
  this.timeout(60_000)
  let server: TestServer | undefined
  let command: Command | undefined
  let relay: Awaited<ReturnType<typeof redisRelay>> | undefined
  after(async () => {
    killTree(command)
    relay?.cut()
    await server?.close()
  })

  const assertNothingInternal = (text: string, port: number) =>
    assert.doesNotMatch(
      text,
      new RegExp(`${port}|127\\.0\\.0\\.1|localhost|ECONNREFUSED|connect|postgres|redis:|at `, 'i')
    )

  it('names the database as down, and says nothing else', async () => {
    const port = await freePort()
    server = await startApp({
      database: {
        url: `postgres://postgres@127.0.0.1:${port}/unreachable`,
        dataDir: '',
        pool: { min: 0, max: 1 }
      }
    })
    const ready = await http(server.url, 'GET', '/ready')
    assert.strictEqual(ready.status, 503)
    assert.deepStrictEqual(ready.body, { status: 'unavailable', database: 'down', redis: 'not configured' })
    assertNothingInternal(ready.text, port)
  })

  it('names Redis as down when it goes away, and logs why at warn', async () => {
    relay = await redisRelay()
    const served = await serve({
      DATABASE_URL: testDatabaseUrl,
      REDIS_URL: `redis://127.0.0.1:${relay.port}`,
      REDIS_KEY_PREFIX: testRedisPrefix,
      LOG_LEVEL: 'warn'
    })
    command = served.command
    await waitUntil(async () => (await http(served.url, 'GET', '/ready')).status === 200, 'ready', 30_000)

    relay.cut()
    const ready = await http(served.url, 'GET', '/ready')
    assert.strictEqual(ready.status, 503)
    assert.deepStrictEqual(ready.body, { status: 'unavailable', database: 'ok', redis: 'down' })
    assertNothingInternal(ready.text, relay.port)

    const logged = command
      .output()
      .split('\n')
      .filter((line) => line.includes('"message":"not ready"'))
      .map((line) => JSON.parse(line))
    assert.ok(logged.length > 0, command.output())
    assert.strictEqual(logged[0].level, 'warn')
    assert.strictEqual(logged[0].dependency, 'redis')
    assert.ok(logged[0].error, 'with the reason')
  })
})
