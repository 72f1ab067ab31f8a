import assert from 'assert'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { startApp } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import { testDatabaseUrl } from '../helpers/database'
import { sleep } from '../helpers/clients'
import { freePort, killTree, root, run } from '../helpers/processes'
import type { Command } from '../helpers/processes'

const PROMETHEUS = process.env.PROMETHEUS ?? '/usr/bin/prometheus'
const DEPLOY = path.join(root, 'deploy', 'prometheus')
const TOKEN = 'scraper-token-of-the-alert-test'
const ALERT = 'ChatDatabasePoolExhausted'

/**
 * The deployment's own prometheus.yml and alerts.yml, rendered for a test: this instance
 * as the one target, scraped and evaluated every second, and the pool alert's `for:`
 * shortened from a minute to 5 s. Everything else (the token file, the rules) is as shipped.
 */
function renderConfiguration(dir: string, target: string) {
  const config = fs
    .readFileSync(path.join(DEPLOY, 'prometheus.yml'), 'utf8')
    .replace(/scrape_interval: 15s/, 'scrape_interval: 1s\n  scrape_timeout: 1s')
    .replace(/evaluation_interval: 15s/, 'evaluation_interval: 1s')
    .replace(/- targets:\n(\s+- .*\n)+/, `- targets: ['${target}']\n`)
  assert.ok(config.includes(target) && config.includes('scrape_interval: 1s'), config)
  const rules = fs.readFileSync(path.join(DEPLOY, 'alerts.yml'), 'utf8')
  const shortened = rules.replace(new RegExp(`(- alert: ${ALERT}\\n(?:.*\\n)*?\\s+for: )1m`), '$15s')
  assert.notStrictEqual(shortened, rules, `${ALERT} has a for: of 1m to shorten`)
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), config)
  fs.writeFileSync(path.join(dir, 'alerts.yml'), shortened)
  fs.writeFileSync(path.join(dir, 'chat-metrics-token'), TOKEN, { mode: 0o600 })
}

async function prometheusApi(url: string, query: string) {
  const answer = await fetch(`${url}/api/v1/${query}`).then((response) => response.json())
  assert.strictEqual(answer.status, 'success', JSON.stringify(answer))
  return answer.data
}

const poolAlerts = async (url: string) =>
  (
    (await prometheusApi(url, 'alerts')).alerts as Array<{ labels: Record<string, string>; state: string }>
  ).filter((alert) => alert.labels.alertname === ALERT)

/**
 * One instance with a pool of one connection, a real Prometheus scraping it with the
 * metrics token, and slow queries that hold the connection: the pool alert must go
 * from nothing to firing through Prometheus' own API.
 */
describe('the pool alert on a real Prometheus', function () {
  this.timeout(90_000)
  let app: TestServer | undefined
  let prometheus: Command | undefined
  let dir: string | undefined
  let holding = false
  after(async () => {
    holding = false
    killTree(prometheus)
    await app?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('fires ChatDatabasePoolExhausted while slow queries hold the only connection', async () => {
    app = await startApp({
      database: { url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 1 } },
      metrics: { token: TOKEN }
    })
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-prometheus-'))
    renderConfiguration(dir, new URL(app.url).host)
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    prometheus = run(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`
      ],
      process.env,
      dir
    )

    // Scraped with the token: the target is up and its pool is idle, so nothing fires
    for (let up = false; !up; await sleep(250)) {
      if (prometheus.child.exitCode !== null) throw new Error(`prometheus exited:\n${prometheus.output()}`)
      const targets = await prometheusApi(url, 'targets').catch(() => undefined)
      up = targets?.activeTargets?.[0]?.health === 'up'
    }
    await sleep(3000)
    assert.deepStrictEqual(await poolAlerts(url), [], 'no pool alert while the pool is idle')

    // Three sessions of slow queries on one connection: one runs, two wait, each a second at most
    const db = app.app.get('postgresqlClient')
    holding = true
    const hold = async () => {
      while (holding) await db.raw('select pg_sleep(0.5)')
    }
    const holders = [hold(), hold(), hold()]
    try {
      const started = Date.now()
      let states: string[] = []
      while (!states.includes('firing')) {
        if (Date.now() - started > 45_000) throw new Error(`not firing within 45 s: ${states}`)
        await sleep(500)
        states = (await poolAlerts(url)).map((alert) => alert.state)
      }
      const [firing] = await poolAlerts(url)
      assert.strictEqual(firing.labels.severity, 'page')
      assert.strictEqual(firing.labels.job, 'chat')
      const waiting = await prometheusApi(url, 'query?query=chat_database_pool_pending_acquires')
      assert.ok(Number(waiting.result[0].value[1]) >= 1, JSON.stringify(waiting))
    } finally {
      holding = false
      await Promise.allSettled(holders)
    }
  })
})
