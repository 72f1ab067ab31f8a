import fs from 'fs'
import os from 'os'
import path from 'path'
import { execFile } from 'child_process'
import { promisify } from 'util'
import { freePort, killTree, run, within } from './processes'
import type { Command } from './processes'
import { sleep } from './clients'

const exec = promisify(execFile)

export interface RedisCluster {
  /** `host:port` seeds, as REDIS_CLUSTER_NODES takes them */
  nodes: string[]
  stop(): Promise<void>
}

async function cli(port: number, ...args: string[]) {
  const { stdout } = await exec('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])
  return stdout
}

/**
 * A Redis Cluster of `masters` masters and no replicas on free loopback ports, in a
 * temporary folder of its own (its nodes-N.conf files): nothing is saved and nothing is
 * left behind. Resolves once every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-redis-cluster-'))
  const ports: number[] = []
  const servers: Command[] = []
  const stop = async () => {
    servers.forEach(killTree)
    await Promise.all(
      servers.map((server) => within(server.exited, 10_000, 'a cluster node to exit').catch(() => undefined))
    )
    fs.rmSync(dir, { recursive: true, force: true })
  }
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort()
      ports.push(port)
      servers.push(
        run(
          'redis-server',
          [
            '--bind',
            '127.0.0.1',
            '--port',
            String(port),
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            path.join(dir, `nodes-${port}.conf`),
            '--dir',
            dir,
            '--save',
            '',
            '--appendonly',
            'no',
            '--daemonize',
            'no'
          ],
          process.env
        )
      )
    }
    for (const [i, server] of servers.entries()) {
      await untilTrue(
        () => server.output().includes('Ready to accept connections'),
        `cluster node ${ports[i]} to start`
      )
    }
    const nodes = ports.map((port) => `127.0.0.1:${port}`)
    await exec('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'])
    for (const port of ports) {
      await untilTrue(
        async () => (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'),
        `node ${port}: cluster_state:ok`
      )
    }
    return { nodes, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

async function untilTrue(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await sleep(50)
  }
}

/** One cluster for the enclosing suite: started in a `before` hook and stopped in an `after` hook. */
export function useRedisCluster(masters = 3) {
  let cluster: RedisCluster | undefined
  before(async function () {
    this.timeout(60_000)
    cluster = await startRedisCluster(masters)
  })
  after(async () => {
    await cluster?.stop()
  })
  return {
    get nodes() {
      if (!cluster)
        throw new Error('useRedisCluster: the cluster is not started yet (use it inside a hook or test)')
      return cluster.nodes
    }
  }
}
