import assert from 'assert'
import { testDatabaseUrl } from '../helpers/database'
import { testRedisPrefix, testRedisUrl } from '../helpers/redis'
import { useRedisCluster } from '../helpers/redis-cluster'
import { freePort, killTree, refusedStart, run, within } from '../helpers/processes'
import type { Command } from '../helpers/processes'
import { http, waitUntil } from '../helpers/clients'
import { createApp } from '../../src/app'
import type { ConfigurationOverrides } from '../../src/app'
import { ConfigurationError } from '../../src/configuration'

// The server process as `npm start` runs it, with the Redis settings under test only
const startServer = async (env: NodeJS.ProcessEnv) => {
  const { REDIS_URL: _url, REDIS_CLUSTER_NODES: _nodes, REDIS_ADAPTER: _adapter, ...inherited } = process.env
  const port = await freePort()
  const command = run(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    ...inherited,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    DATABASE_URL: testDatabaseUrl,
    REDIS_KEY_PREFIX: testRedisPrefix,
    ...env
  })
  return { command, url: `http://127.0.0.1:${port}` }
}

/** The one error line a refused start logs, checked for what it must say. */
async function refusedWith(command: Command, says: RegExp) {
  assert.match((await refusedStart(command)).error, says)
}

describe('Redis settings: REDIS_CLUSTER_NODES and REDIS_ADAPTER', function () {
  this.timeout(90_000)
  const started: Command[] = []
  after(() => started.splice(0).forEach(killTree))
  const start = async (env: NodeJS.ProcessEnv) => {
    const server = await startServer(env)
    started.push(server.command)
    return server
  }

  it('refuses to start with an adapter it does not know: exit 1 and one clear line', async () => {
    const { command } = await start({ REDIS_URL: testRedisUrl, REDIS_ADAPTER: 'shardd' })
    // The settings check names the setting, the value, the choices and the fix before anything starts
    await refusedWith(
      command,
      /^The setting redis\.adapter \(REDIS_ADAPTER\) is REDIS_ADAPTER="shardd": it must be one of "classic", "sharded"; set REDIS_ADAPTER/
    )
  })

  // Checked before anything connects, so the app itself can be asked
  const refusals: Array<[string, ConfigurationOverrides['redis'], RegExp]> = [
    [
      'a seed that is not host:port',
      { cluster_nodes: '127.0.0.1:7000,redis-2' },
      /^REDIS_CLUSTER_NODES has 'redis-2': give comma-separated host:port seeds/
    ],
    [
      'both REDIS_URL and REDIS_CLUSTER_NODES',
      { url: testRedisUrl, cluster_nodes: ['127.0.0.1:7000'] },
      /^REDIS_URL and REDIS_CLUSTER_NODES are both set/
    ]
  ]
  for (const [what, redis, says] of refusals) {
    it(`refuses ${what} in one clear sentence`, () => {
      assert.throws(
        () => createApp({ redis }),
        (error: Error) => error instanceof ConfigurationError && says.test(error.message)
      )
    })
  }

  it('stops the start when no cluster node answers, naming REDIS_CLUSTER_NODES', async () => {
    const { command } = await start({ REDIS_CLUSTER_NODES: `127.0.0.1:${await freePort()}` })
    await refusedWith(command, /^Redis does not answer \(.+\): start it, or check REDIS_CLUSTER_NODES$/)
  })

  describe('on a Redis Cluster', () => {
    const cluster = useRedisCluster(3)

    it('starts with REDIS_CLUSTER_NODES and the sharded adapter, is ready, and stops cleanly', async () => {
      const { command, url } = await start({
        REDIS_CLUSTER_NODES: cluster.nodes.join(', '),
        REDIS_ADAPTER: 'sharded'
      })
      await waitUntil(
        async () => (await http(url, 'GET', '/ready').catch(() => undefined))?.status === 200,
        'ready',
        30_000
      )
      assert.deepStrictEqual((await http(url, 'GET', '/ready')).body, {
        status: 'ready',
        database: 'ok',
        redis: 'ok'
      })
      // The port answers while the app still sets up; SIGTERM is handled from 'listening' on
      await waitUntil(() => command.output().includes('"message":"listening"'), 'listening', 30_000)
      command.child.kill('SIGTERM')
      assert.deepStrictEqual(
        await within(command.exited, 20_000, 'exit after SIGTERM'),
        { code: 0, signal: null },
        command.output()
      )
    })
  })
})
