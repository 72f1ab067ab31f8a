/**
 * Runs the multi-instance suites on a Redis Cluster with the sharded adapter: starts a
 * 3-master cluster on free local ports, runs mocha on test/cluster with
 * TEST_REDIS_CLUSTER_NODES naming it, stops the cluster and exits with mocha's code.
 *
 *   npm run test:cluster
 */
import { spawnSync } from 'child_process'
import path from 'path'
import { startRedisCluster } from '../test/helpers/redis-cluster'

// Suites about one Redis server itself: restarting it, or watching it with MONITOR
const SINGLE_SERVER_ONLY = ['redis-restart.test.ts', 'call-budget.test.ts']

async function main() {
  const cluster = await startRedisCluster(3)
  try {
    const root = path.join(__dirname, '..')
    const suites = [
      'test/cluster/*.test.ts',
      ...SINGLE_SERVER_ONLY.map((file) => `--ignore=test/cluster/${file}`)
    ]
    const mocha = spawnSync(path.join(root, 'node_modules', '.bin', 'mocha'), suites, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, TEST_REDIS_CLUSTER_NODES: cluster.nodes.join(',') }
    })
    return mocha.status ?? 1
  } finally {
    await cluster.stop()
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
