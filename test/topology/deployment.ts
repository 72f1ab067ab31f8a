import fs from 'fs'
import path from 'path'
import { freePort, freshGet, isRunning, killTree, root, run, nodeWithTsx, within } from '../helpers/processes'
import type { Command } from '../helpers/processes'
import { testDatabaseUrl } from '../helpers/database'
import { testRedisPrefix, testRedisUrl } from '../helpers/redis'

const HAPROXY = '/usr/sbin/haproxy'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface Instance {
  name: string
  port: number
  url: string
  process?: Command
}

/**
 * Production's shape on one machine: instances of the service as processes of their own
 * (production settings, PostgreSQL, Redis) behind HAProxy running deploy/haproxy.cfg as
 * shipped, reached only through the balancer.
 */
export class Deployment {
  instances: Instance[] = []
  balancer?: Command
  url = ''
  private statsUrl = ''

  constructor(
    private size: number,
    private env: NodeJS.ProcessEnv
  ) {}

  async start() {
    if (!fs.existsSync(HAPROXY))
      throw new Error(`HAProxy is missing at ${HAPROXY}: apt-get install -y haproxy`)
    for (let i = 1; i <= this.size; i++) {
      const port = await freePort()
      this.instances.push({ name: `app${i}`, port, url: `http://127.0.0.1:${port}` })
    }
    await Promise.all(this.instances.map((instance) => this.startInstance(instance)))
    const [listen, stats] = [await freePort(), await freePort()]
    this.url = `http://127.0.0.1:${listen}`
    this.statsUrl = `http://127.0.0.1:${stats}/haproxy;csv`
    this.balancer = run(HAPROXY, ['-db', '-f', path.join(root, 'deploy', 'haproxy.cfg')], {
      ...process.env,
      CHAT_LISTEN: `127.0.0.1:${listen}`,
      HAPROXY_STATS: `127.0.0.1:${stats}`,
      ...Object.fromEntries(
        this.instances.map((instance, i) => [`CHAT_INSTANCE_${i + 1}`, `127.0.0.1:${instance.port}`])
      )
    })
    await this.waitForBalancer(
      (states) => this.instances.every((instance) => states.get(instance.name) === 'UP'),
      'every instance UP'
    )
  }

  async startInstance(instance: Instance) {
    instance.process = run(process.execPath, [...nodeWithTsx, 'src/index.ts'], {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(instance.port),
      DATABASE_URL: testDatabaseUrl,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix,
      AUTH_SECRET: 'topology-test-secret-of-at-least-32-bytes-length',
      TRUST_PROXY: 'true',
      LOG_LEVEL: 'info',
      ...this.env
    })
    for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
      if ((await freshGet(`${instance.url}/ready`).catch(() => 0)) === 200) return
      if (!isRunning(instance.process) || Date.now() > deadline)
        throw new Error(`${instance.name} did not become ready\n${instance.process.output()}`)
    }
  }

  /** SIGTERM: the instance drains and exits by itself; resolves with its exit code. */
  async stopInstance(instance: Instance) {
    this.mustBeRunning(instance)
    process.kill(instance.process!.child.pid!, 'SIGTERM')
    const { code } = await within(instance.process!.exited, 60_000, `${instance.name} exits after SIGTERM`)
    return code
  }

  killInstance(instance: Instance) {
    this.mustBeRunning(instance)
    killTree(instance.process)
    return instance.process!.exited
  }

  /** An instance that went away before the test stops it fails the test with what it printed. */
  private mustBeRunning(instance: Instance) {
    const { child, output } = instance.process!
    if (isRunning(instance.process!)) return
    throw new Error(
      `${instance.name} had already exited (code ${child.exitCode}, signal ${child.signalCode}):\n${output().slice(-8000)}`
    )
  }

  /** Server name → HAProxy's view of it (UP, DOWN, …), from the stats page. */
  async states(): Promise<Map<string, string>> {
    const csv = await fetch(this.statsUrl).then((response) => response.text())
    const [header, ...rows] = csv
      .replace(/^# /, '')
      .trim()
      .split('\n')
      .map((line) => line.split(','))
    const [name, proxy, status] = ['svname', 'pxname', 'status'].map((column) => header.indexOf(column))
    return new Map(
      rows.filter((row) => row[proxy] === 'instances').map((row) => [row[name], row[status].split(' ')[0]])
    )
  }

  async waitForBalancer(
    condition: (states: Map<string, string>) => boolean,
    what: string,
    timeoutMs = 30_000
  ) {
    for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
      const states = await this.states().catch(() => new Map<string, string>())
      if (condition(states)) return
      if (Date.now() > deadline)
        throw new Error(
          `HAProxy: not ${what} within ${timeoutMs} ms: ${JSON.stringify([...states])}\n${this.balancer?.output()}`
        )
    }
  }

  /** HTTP statuses the balancer answered clients with, from its access log. */
  statuses(): number[] {
    const log = this.balancer?.output() ?? ''
    return [...log.matchAll(/ -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+ (\d{3}) /g)].map((match) =>
      Number(match[1])
    )
  }

  stop() {
    for (const instance of this.instances) killTree(instance.process)
    killTree(this.balancer)
  }
}
