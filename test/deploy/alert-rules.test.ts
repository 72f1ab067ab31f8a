import assert from 'assert'
import { execFile } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { promisify } from 'util'
import { root } from '../helpers/processes'

const run = promisify(execFile)
const PROMETHEUS_DIR = path.join(root, 'deploy', 'prometheus')
const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool'

const promtool = (...args: string[]) => run(PROMTOOL, args, { cwd: PROMETHEUS_DIR })

/** The alert names a rule file defines. */
export const alertNames = (rules: string) =>
  [...rules.matchAll(/^\s*- alert: (\w+)$/gm)].map((match) => match[1])

describe('the alert rules (deploy/prometheus)', function () {
  this.timeout(60_000)

  it('pass promtool check rules', async () => {
    const { stdout } = await promtool('check', 'rules', 'alerts.yml')
    assert.match(stdout, /SUCCESS: \d+ rules found/)
  })

  it('pass their promtool unit tests', async () => {
    const { stdout } = await promtool('test', 'rules', 'alerts.test.yml')
    assert.match(stdout, /SUCCESS/)
  })

  it('have, every one, a unit test where it fires and one where it does not', () => {
    const names = alertNames(fs.readFileSync(path.join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8'))
    assert.ok(names.length >= 10, `${names}`)
    const tests = fs.readFileSync(path.join(PROMETHEUS_DIR, 'alerts.test.yml'), 'utf8')
    // Each `alertname:` line and whether the expected alerts after it are none (`[]`) or some
    const cases = [...tests.matchAll(/alertname: (\w+)\n\s*exp_alerts:( \[\])?/g)].map((match) => ({
      name: match[1],
      fires: !match[2]
    }))
    for (const name of names) {
      assert.ok(
        cases.some((c) => c.name === name && c.fires),
        `${name} has a test where it fires`
      )
      assert.ok(
        cases.some((c) => c.name === name && !c.fires),
        `${name} has a test where it does not`
      )
    }
    assert.deepStrictEqual(
      cases.filter((c) => !names.includes(c.name)),
      [],
      'tests name only alerts that exist'
    )
  })

  it('are loaded by prometheus.yml, which scrapes with the metrics token from a file beside it', async () => {
    const config = fs.readFileSync(path.join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')
    assert.match(config, /^\s+- alerts\.yml$/m)
    assert.match(
      config,
      /authorization:\n\s+type: Bearer\n(\s+#.*\n)?\s+credentials_file: chat-metrics-token$/m
    )
    // promtool checks that the token file exists: a copy with one beside it
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-prometheus-config-'))
    try {
      for (const file of ['prometheus.yml', 'alerts.yml'])
        fs.copyFileSync(path.join(PROMETHEUS_DIR, file), path.join(dir, file))
      fs.writeFileSync(path.join(dir, 'chat-metrics-token'), 'a-token', { mode: 0o600 })
      const { stdout } = await run(PROMTOOL, ['check', 'config', 'prometheus.yml'], { cwd: dir })
      assert.match(stdout, /SUCCESS: prometheus\.yml is valid prometheus config file syntax/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
