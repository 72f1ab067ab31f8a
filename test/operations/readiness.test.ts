import assert from 'assert'
import { startApp } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import { http, waitUntil } from '../helpers/clients'
import { freePort, killTree, run } from '../helpers/processes'
import type { Command } from '../helpers/processes'
import { redisSettings, testRedisUrl } from '../helpers/redis'
import { scrape } from '../helpers/metrics'
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
    // On the read-only replica and the cluster without slots, the presence cleanup of the
    // shutdown is refused like every other write: this test is about /ready, so that
    // refusal (and only that one) is let go here
    await Promise.all(
      started.map((server) =>
        server.close().catch((error) => assert.match(String(error?.message), /READONLY|CLUSTERDOWN/))
      )
    )
    servers.forEach(killTree)
    await cluster?.stop()
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
  })
})
