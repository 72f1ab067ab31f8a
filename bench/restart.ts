/**
 * Restart time: the compiled service (built first, with `npm run build`) started on a
 * database that is already migrated, timed from spawning the process to the first 200
 * of GET /ready (polled every 20 ms), several times.
 *
 *   npm run bench -- --restart [--runs 5]
 */
import { execFileSync, spawn } from 'child_process'
import path from 'path'
import { performance } from 'perf_hooks'
import { createTestDatabase, dropTestDatabase, testDatabaseUrl } from '../test/helpers/database'
import { freePort, freshGet, root } from '../test/helpers/processes'
import { sleep } from '../test/helpers/clients'
import { option, percentile } from './options'

const entry = path.join(root, 'lib', 'src', 'index.js')

/** One start: milliseconds from spawn to the first /ready 200, then a clean stop. */
async function timeOneStart(): Promise<number> {
  const port = await freePort()
  const { NODE_ENV: _test, ...environment } = process.env
  const started = performance.now()
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: {
      ...environment,
      DATABASE_URL: testDatabaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn'
    },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let output = ''
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    while (performance.now() - started < 30_000) {
      if (child.exitCode !== null) throw new Error(`the service exited before it was ready\n${output}`)
      if ((await freshGet(`http://127.0.0.1:${port}/ready`).catch(() => 0)) === 200)
        return performance.now() - started
      await sleep(20)
    }
    throw new Error(`no 200 from /ready within 30 s\n${output}`)
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

export async function restart() {
  const runs = option('runs', 5)
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' })
  await createTestDatabase()
  try {
    // A first start outside the figures: it warms the disk cache, as a restart finds it
    await timeOneStart()
    const times: number[] = []
    for (let i = 0; i < runs; i++) times.push(await timeOneStart())
    return {
      restart: {
        runs,
        to_ready_ms: { p50: percentile(times, 50), max: percentile(times, 100) },
        goal_ms: 1500
      }
    }
  } finally {
    await dropTestDatabase()
  }
}
