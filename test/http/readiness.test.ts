import assert from 'assert'
import { startApp } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import { http, waitUntil } from '../helpers/clients'
import { freePort, killTree, run, serve, within } from '../helpers/processes'
import { testDatabaseUrl } from '../helpers/database'
import type { Command } from '../helpers/processes'
import { redisSettings, testRedisUrl } from '../helpers/redis'
import { scrape } from '../helpers/metrics'
import { jsonLogLines } from '../helpers/served-app'
import { startRedisCluster } from '../helpers/redis-cluster'
import type { RedisCluster } from '../helpers/redis-cluster'
import { execFile } from 'child_process'
import { promisify } from 'util'

const exec = promisify(execFile)

/** A Redis server of the test's own, started with `args`, on a free port. */
async function ownRedis(...args: string[]) {
  const port = await freePort()
  const server = run(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', ...args],
    process.env
  )
  await waitUntil(
    () => server.output().includes('Ready to accept connections'),
    'redis-server to start',
    10_000
  )
  return { port, server }
}

/**
 * /ready must fail when Redis answers but cannot serve the service's commands, and
 * /metrics must say why: an operator sees chat_ready 0 and the reason.
 */
describe('readiness that tells the truth about Redis', function () {
  this.timeout(60_000)
  const started: TestServer[] = []
  const servers: Command[] = []
  let cluster: RedisCluster | undefined
  after(async () => {
    servers.forEach(killTree)
    await cluster?.stop()
  })

  /** A Redis that refuses the shutdown's presence cleanup must not make the shutdown fail. */
  async function closeCleanly(server: TestServer) {
    started.splice(started.indexOf(server), 1)
    await within(server.close(), 20_000, 'the shutdown')
  }
  afterEach(async () => {
    await Promise.all([...started].map(closeCleanly))
  })

  async function startWithRedis(url: string) {
    const server = await startApp({
      redis: { ...redisSettings(), url, cluster_nodes: null, adapter: 'classic' }
    })
    started.push(server)
    return server
  }

  async function assertNotReady(server: TestServer, reason: string) {
    const ready = await http(server.url, 'GET', '/ready')
    assert.strictEqual(ready.status, 503)
    assert.deepStrictEqual(ready.body, { status: 'unavailable', database: 'ok', redis: 'down' })
    const metrics = await scrape(server.url)
    assert.strictEqual(metrics.value('chat_ready'), 0)
    assert.strictEqual(metrics.value('chat_ready_check', { check: 'redis' }), 0)
    assert.strictEqual(metrics.value('chat_ready_check', { check: 'database' }), 1)
    assert.ok(
      metrics.value('chat_ready_check_failures_total', { check: 'redis', reason })! >= 2,
      'the /ready probe and the scrape each counted the failure, with its reason'
    )
  }

  it('is ready, and says so on /metrics, with a Redis that serves', async () => {
    const server = await startWithRedis(testRedisUrl)
    const ready = await http(server.url, 'GET', '/ready')
    assert.strictEqual(ready.status, 200)
    assert.deepStrictEqual(ready.body, { status: 'ready', database: 'ok', redis: 'ok' })
    const metrics = await scrape(server.url)
    assert.strictEqual(metrics.value('chat_ready'), 1)
    assert.strictEqual(metrics.value('chat_ready_check', { check: 'redis' }), 1)
    assert.strictEqual(
      metrics.value('chat_ready_check_failures_total', { check: 'redis', reason: 'error' }),
      undefined
    )
  })

  it('fails with a database index Redis does not have (the client would carry on in database 0)', async () => {
    const url = new URL(testRedisUrl)
    url.pathname = '/99'
    const server = await startWithRedis(url.toString())
    await assertNotReady(server, 'wrong database index')
  })

  it('fails on a read-only replica, which answers PING and reads but refuses every write', async () => {
    // A replica of a master that is not there: it keeps serving reads, read-only
    const { port, server: replica } = await ownRedis('--replicaof', '127.0.0.1', String(await freePort()))
    servers.push(replica)
    const server = await startWithRedis(`redis://127.0.0.1:${port}`)
    await assertNotReady(server, 'read-only replica')
    await closeCleanly(server)
  })

  it('stops cleanly on a read-only replica: exit 0 after SIGTERM, with one line about the refused write', async () => {
    const { port, server: replica } = await ownRedis('--replicaof', '127.0.0.1', String(await freePort()))
    servers.push(replica)
    const { command } = await serve({
      DATABASE_URL: testDatabaseUrl,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      REDIS_ADAPTER: 'classic',
      LOG_LEVEL: 'info',
      // The /health polls above would each have an access line
      LOG_ACCESS: 'false'
    })
    servers.push(command)
    // /health answers while the app is still being set up, before SIGTERM is handled; /ready never does here
    await waitUntil(() => command.output().includes('"message":"listening"'), 'listening', 20_000)
    command.child.kill('SIGTERM')
    const exit = await within(command.exited, 30_000, 'exit after SIGTERM')
    assert.deepStrictEqual(exit, { code: 0, signal: null }, command.output())
    const lines = jsonLogLines(command)
    const refused = lines.filter((line) => /presence at shutdown/.test(line.message))
    assert.strictEqual(refused.length, 1, command.output())
    assert.match(refused[0].error, /READONLY/)
    assert.deepStrictEqual(
      lines.filter((line) => /unclean shutdown/.test(line.message)),
      []
    )
    assert.ok(lines.some((line) => line.message === 'shut down'))
    assert.deepStrictEqual(
      lines.filter((line) => line.message === 'http request'),
      [],
      'LOG_ACCESS=false turns the access log off'
    )
  })

  it('fails on a Redis Cluster that no longer serves every slot', async () => {
    cluster = await startRedisCluster(3)
    const server = await startApp({
      redis: { ...redisSettings(), url: null, cluster_nodes: cluster.nodes, adapter: 'sharded' }
    })
    started.push(server)
    assert.strictEqual((await http(server.url, 'GET', '/ready')).status, 200)
    // Every node forgets who serves slots 0-100: the cluster answers for the others only
    for (const node of cluster.nodes) {
      const [host, port] = node.split(':')
      await exec('redis-cli', ['-h', host, '-p', port, 'cluster', 'delslotsrange', '0', '100'])
    }
    await assertNotReady(server, 'cluster without slots')
    await closeCleanly(server)
  })
})
