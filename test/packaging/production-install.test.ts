import assert from 'assert'
import crypto from 'crypto'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { execFile } from 'child_process'
import { promisify } from 'util'
import { http, login } from '../helpers/clients'
import { buildOnce } from '../helpers/build'
import { freePort, killTree, root, run, within, untilReady } from '../helpers/processes'
import type { Command } from '../helpers/processes'
import type { User } from '../../src/client'

// What a production image holds besides node_modules: the build output and what npm and
// the config loader read (README, "Production install")
const SHIPPED = [
  'package.json',
  'package-lock.json',
  '.npmrc',
  'scripts/prepare.js',
  'scripts/check-build.js',
  'config',
  'lib'
]

/**
 * The production path of the README: a copy of the built service installed with
 * `npm ci --omit=dev` (from the npm cache, no network) runs its migrations, serves and
 * stops with plain node, without a compiler, tsx or esbuild.
 */
describe('a production install (npm ci --omit=dev)', function () {
  this.timeout(240_000)
  const admin = { email: 'ops@example.test', password: 'production-password' }
  let dir: string
  let server: Command | undefined

  // Nothing from the `npm test` running this: npm exports its settings (the project's
  // .npmrc among them) to scripts, and the copy must bring its own
  const baseEnv = () => {
    const keep = ['PATH', 'HOME', 'TMPDIR', 'npm_config_cache']
    const env: NodeJS.ProcessEnv = { npm_config_update_notifier: 'false' }
    for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key]
    return env
  }
  const productionEnv = (extra: NodeJS.ProcessEnv = {}) => ({
    ...baseEnv(),
    NODE_ENV: 'production',
    ...extra
  })

  const inCopy = (command: string, args: string[], env = baseEnv()) =>
    promisify(execFile)(command, args, { cwd: dir, env, encoding: 'utf8' }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error) => ({ code: error.code, output: `${error.stdout ?? ''}${error.stderr ?? ''}` })
    )
  const command = (name: string, ...args: string[]) =>
    inCopy(process.execPath, [`lib/src/commands/${name}.js`, ...args], productionEnv())

  before(async () => {
    await buildOnce()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'context-chat-production-'))
    for (const entry of SHIPPED) fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true })
    const install = await inCopy('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'])
    assert.strictEqual(install.code, 0, install.output)
  })

  after(() => {
    killTree(server)
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('installs without the build tools, and prepare leaves the built lib/ alone', () => {
    for (const tool of ['typescript', 'tsx', 'esbuild'])
      assert.ok(!fs.existsSync(path.join(dir, 'node_modules', tool)), `node_modules/${tool} is installed`)
    assert.ok(fs.existsSync(path.join(dir, 'lib', 'src', 'index.js')))
  })

  it('says in one line that the page is not built, until it is there', async () => {
    const unbuilt = await inCopy('npm', ['run', '-s', 'prestart'])
    assert.strictEqual(unbuilt.code, 1)
    assert.match(
      unbuilt.output.trim(),
      /^Not built \(public\/index\.html missing\): run npm run build first$/
    )
    fs.cpSync(path.join(root, 'public'), path.join(dir, 'public'), { recursive: true })
    const built = await inCopy('npm', ['run', '-s', 'prestart'])
    assert.deepStrictEqual(built, { code: 0, output: '' })
  })

  it('migrates the embedded database with node lib/src/commands/migrate.js', async () => {
    const migrated = await command('migrate')
    assert.strictEqual(migrated.code, 0, migrated.output)
    assert.match(migrated.output, /^Applied \d+ migration\(s\)/)
  })

  it('starts with node lib/src/index.js, serves the page, signs in over REST and exits 0 on SIGTERM', async () => {
    const port = await freePort()
    const env = productionEnv({
      HOST: '127.0.0.1',
      PORT: String(port),
      AUTH_SECRET: crypto.randomBytes(48).toString('base64'),
      BOOTSTRAP_ADMIN_EMAIL: admin.email,
      BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      SHUTDOWN_DRAIN_SECONDS: '0'
    })
    server = run(process.execPath, ['lib/src/index.js'], env, dir)
    const url = `http://127.0.0.1:${port}`
    await untilReady(url, server)
    assert.doesNotMatch(server.output(), /applied migrations/, 'migrate.js left nothing pending')

    const page = await http(url, 'GET', '/')
    assert.strictEqual(page.status, 200)
    assert.match(page.text, /<html/i)

    const adminToken = await login(url, admin)
    const person = { email: 'worker@example.test', password: 'worker-password', name: 'Worker' }
    const created = await http<User>(url, 'POST', '/users', { token: adminToken, body: person })
    assert.strictEqual(created.status, 201, JSON.stringify(created.body))
    const token = await login(url, person)
    const me = await http<User>(url, 'GET', `/users/${created.body.id}`, { token })
    assert.strictEqual(me.body.email, person.email, JSON.stringify(me.body))

    process.kill(server.child.pid!, 'SIGTERM')
    assert.deepStrictEqual(
      await within(server.exited, 30_000, 'SIGTERM'),
      { code: 0, signal: null },
      server.output()
    )
  })

  it('runs the operator commands with plain node', async () => {
    assert.match((await command('migrate')).output, /^Database is up to date/)
    // Each opens the database and looks the context up: there is none in a fresh install.
    // The verify commands exit 2 when nothing could be checked, as their 1 means a broken record
    for (const [name, code] of [
      ['transcript', 1],
      ['verify-history', 2]
    ] as const) {
      const answer = await command(name, '--context', 'booking:1')
      assert.strictEqual(answer.code, code, answer.output)
      assert.match(answer.output, /^No channel for booking 1$/m, name)
    }
    const verify = await command('verify-transcript')
    assert.strictEqual(verify.code, 2)
    assert.match(verify.output, /^usage: npm run verify-transcript/)
  })
})
