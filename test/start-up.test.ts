import assert from 'assert'
import crypto from 'crypto'
import fs from 'fs'
import os from 'os'
import path from 'path'
import knex from 'knex'
import defaults from '../config/default.json'
import { testDatabaseUrl } from './helpers/database'
import { freePort, freshGet, isRunning, killTree, refusedStart, run, within } from './helpers/processes'
import type { Command } from './helpers/processes'
import { sleep } from './helpers/clients'

// The server process as `npm start` runs it
const startServer = (env: NodeJS.ProcessEnv) => {
  const { AUTH_SECRET: _secret, DATABASE_URL: _url, DATA_DIR: _dir, ...inherited } = process.env
  return run(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    ...inherited,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...env
  })
}

async function untilHealthy(command: Command, url: string) {
  for (let attempt = 0; attempt < 600 && isRunning(command); attempt++) {
    try {
      if ((await freshGet(`${url}/health`)) === 200) return
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  assert.fail(`the server did not answer /health\n${command.output()}`)
}

async function stop(command: Command) {
  command.child.kill('SIGTERM')
  assert.deepStrictEqual(
    await within(command.exited, 20_000, 'exit after SIGTERM'),
    { code: 0, signal: null },
    command.output()
  )
}

describe('start-up', function () {
  this.timeout(120_000)
  const started: Command[] = []
  after(() => started.splice(0).forEach(killTree))

  describe('the JWT secret', () => {
    const production = (secret?: string) => ({
      NODE_ENV: 'production',
      DATABASE_URL: testDatabaseUrl,
      ...(secret === undefined ? {} : { AUTH_SECRET: secret })
    })

    const refusals = {
      'no AUTH_SECRET': undefined,
      'the published default': defaults.authentication.secret,
      'a 16-byte secret': crypto.randomBytes(8).toString('hex')
    }
    for (const [what, secret] of Object.entries(refusals)) {
      it(`refuses to start in production with ${what}: exit 1 and one clear line`, async () => {
        const command = startServer({ ...production(secret), PORT: String(await freePort()) })
        started.push(command)
        const refusal = await refusedStart(command)
        assert.match(refusal.error, /AUTH_SECRET/)
        assert.strictEqual(refusal.stack, undefined)
      })
    }

    it('starts in production with a secret of its own of 32 bytes or more', async () => {
      const port = await freePort()
      const command = startServer({
        ...production(crypto.randomBytes(32).toString('base64')),
        PORT: String(port)
      })
      started.push(command)
      await untilHealthy(command, `http://127.0.0.1:${port}`)
      assert.doesNotMatch(command.output(), /AUTH_SECRET/)
      await stop(command)
    })

    it('outside production starts with the default secret and warns about it once', async () => {
      const port = await freePort()
      const command = startServer({
        NODE_ENV: 'test',
        DATABASE_URL: testDatabaseUrl,
        AUTH_SECRET: defaults.authentication.secret,
        PORT: String(port)
      })
      started.push(command)
      await untilHealthy(command, `http://127.0.0.1:${port}`)
      const warnings = command
        .output()
        .split('\n')
        .filter((line) => line.includes('AUTH_SECRET'))
      assert.strictEqual(warnings.length, 1, command.output())
      assert.strictEqual(JSON.parse(warnings[0]).level, 'warn')
      await stop(command)
    })
  })

  describe('a dependency that does not answer', () => {
    for (const [what, env] of [
      ['PostgreSQL', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }],
      ['Redis', { DATABASE_URL: testDatabaseUrl, REDIS_URL: 'redis://127.0.0.1:1' }]
    ] as const) {
      it(`stops the start when ${what} does not answer: exit 1 and one clear line`, async () => {
        const command = startServer({ ...env, PORT: String(await freePort()) })
        started.push(command)
        const refusal = await refusedStart(command)
        assert.match(refusal.error, new RegExp(`^${what} does not answer`))
      })
    }
  })

  describe('a database that answers but refuses', () => {
    const cases = [
      [
        'a database that does not exist',
        '/chat_no_such_database',
        /the database named in the URL does not exist \(3D000/
      ],
      [
        'a role that does not exist',
        'chat_no_such_role',
        /the role named in the URL does not exist or may not connect \(28000/
      ]
    ] as const
    for (const [what, change, reason] of cases) {
      it(`says it is ${what}, and what to fix, in one line`, async () => {
        const url = new URL(testDatabaseUrl)
        if (change.startsWith('/')) url.pathname = change
        else url.username = change
        const command = startServer({
          NODE_ENV: 'test',
          DATABASE_URL: url.toString(),
          PORT: String(await freePort())
        })
        started.push(command)
        const refusal = await refusedStart(command)
        assert.match(refusal.error, /^PostgreSQL answers but refuses: /)
        assert.match(refusal.error, reason)
        assert.match(refusal.error, /fix DATABASE_URL/)
      })
    }
  })

  describe('a setting that is not valid', () => {
    const cases = [
      ['PORT', 'abc', /^The setting port \(PORT\) is PORT="abc": it could not be read as a number; set PORT/],
      ['PORT', '70000', /^The setting port \(PORT\) is PORT="70000": it must be <= 65535; set PORT/],
      [
        'REDIS_ADAPTER',
        'bogus',
        /^The setting redis\.adapter \(REDIS_ADAPTER\) is REDIS_ADAPTER="bogus": it must be one of "classic", "sharded"; set REDIS_ADAPTER/
      ]
    ] as const
    for (const [variable, value, line] of cases) {
      it(`names ${variable}=${value}, the rule and the fix in one line, before touching the data folder`, async () => {
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-settings-'))
        fs.rmSync(dataDir, { recursive: true })
        const command = startServer({ NODE_ENV: 'test', DATA_DIR: dataDir, [variable]: value })
        started.push(command)
        const refusal = await refusedStart(command)
        assert.match(refusal.error, line)
        assert.ok(!fs.existsSync(dataDir), 'the embedded database was not created')
      })
    }
  })

  describe('demo data', () => {
    it('is never seeded into a PostgreSQL server, even an empty one', async () => {
      const admin = knex({
        client: 'pg',
        connection: new URL('/postgres', testDatabaseUrl).toString(),
        pool: { min: 0, max: 1 }
      })
      const name = `chat_empty_${process.pid}_${crypto.randomBytes(4).toString('hex')}`
      await admin.raw(`create database "${name}"`)
      const url = new URL(`/${name}`, testDatabaseUrl).toString()
      const db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } })
      try {
        const port = await freePort()
        const command = startServer({ NODE_ENV: 'test', DATABASE_URL: url, PORT: String(port) })
        started.push(command)
        await untilHealthy(command, `http://127.0.0.1:${port}`)
        // Seeding would come right after listening: give it the time a seed takes
        await sleep(1000)
        await stop(command)
        assert.doesNotMatch(command.output(), /demo-password/)
        const [{ n }] = await db('users').count({ n: '*' })
        assert.strictEqual(Number(n), 0, 'no users were created')
      } finally {
        await db.destroy()
        await admin.raw(`drop database if exists "${name}" with (force)`)
        await admin.destroy()
      }
    })

    it('is seeded on the embedded database’s first start, as the quick start promises', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-first-start-'))
      try {
        const port = await freePort()
        const command = startServer({ NODE_ENV: 'test', DATA_DIR: dataDir, PORT: String(port) })
        started.push(command)
        await untilHealthy(command, `http://127.0.0.1:${port}`)
        for (let attempt = 0; attempt < 300 && !/demo-password/.test(command.output()); attempt++)
          await sleep(100)
        assert.match(command.output(), /admin@demo\.local/)
        await stop(command)
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true })
      }
    })
  })
})
