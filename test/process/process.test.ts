import assert from 'assert'
import knex from 'knex'
import { startApp } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import { testDatabaseUrl } from '../helpers/database'
import { buildUser } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import { closeClients, http as request, login, sleep, socketClient, socketOf } from '../helpers/clients'
import { freePort, freshGet, isRunning, killTree, run, runApp, within } from '../helpers/processes'
import type { Command } from '../helpers/processes'
import { uniqueEmail } from '../helpers/factories'
import type { AuthenticationResult } from '../../src/client'

describe('operations', function () {
  this.timeout(90_000)

  describe('the process (npm start)', () => {
    let server: TestServer
    const started: Command[] = []
    let locker: knex.Knex | undefined

    before(async () => {
      // Users exist, so no start here is a first run that seeds the demo
      server = await startApp()
    })
    after(async () => {
      closeClients()
      started.splice(0).forEach(killTree)
      await locker?.destroy()
      await server?.close()
    })

    /** `npm start` on the test database and a free port; resolves once /health answers. */
    async function startProcess(env: NodeJS.ProcessEnv = {}) {
      const { command, url } = runApp(await freePort(), {
        DATABASE_URL: testDatabaseUrl,
        LOG_LEVEL: 'info',
        ...env
      })
      started.push(command)
      let healthy = false
      for (let attempt = 0; attempt < 300 && isRunning(command); attempt++) {
        try {
          if ((await freshGet(`${url}/health`)) === 200) {
            healthy = true
            break
          }
        } catch {
          // not listening yet
        }
        await sleep(100)
      }
      assert.ok(healthy, `the server answered /health\n${command.output()}`)
      return { command, url }
    }

    /** Resolves once the listener refuses new connections (shutdown has begun). */
    async function untilRefused(url: string) {
      for (let attempt = 0; attempt < 200; attempt++) {
        try {
          await freshGet(`${url}/health`)
        } catch {
          return true
        }
        await sleep(50)
      }
      return false
    }

    it('starts from the environment (bootstrap admin included), is ready, and exits 0 on SIGTERM', async () => {
      const bootstrapAdmin = { email: uniqueEmail('env-admin'), password: 'bootstrap from the env' }
      const { command, url } = await startProcess({
        BOOTSTRAP_ADMIN_EMAIL: bootstrapAdmin.email,
        BOOTSTRAP_ADMIN_PASSWORD: bootstrapAdmin.password,
        CORS_ORIGINS: 'https://app.example.test, https://admin.example.test'
      })
      const ready = await request(url, 'GET', '/ready')
      assert.strictEqual(ready.status, 200)
      assert.match(command.output(), /"message":"listening"/)

      // The environment's bootstrap admin was created on start and can log in
      const admin = await request<AuthenticationResult>(url, 'POST', '/authentication', {
        body: { strategy: 'local', ...bootstrapAdmin }
      })
      assert.strictEqual(admin.status, 201, admin.text)
      assert.strictEqual(admin.body.user.role, 'admin')
      // CORS_ORIGINS narrows the origins browsers may call from
      const preflight = (origin: string) =>
        fetch(url + '/authentication', {
          method: 'OPTIONS',
          headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' }
        })
      const allowed = await preflight('https://admin.example.test')
      assert.strictEqual(allowed.headers.get('access-control-allow-origin'), 'https://admin.example.test')
      const refused = await preflight('https://elsewhere.example.test')
      assert.strictEqual(refused.status, 204)
      assert.strictEqual(refused.headers.get('access-control-allow-origin'), null)
      // ...and the process serves the test database (a user the tests created logs in)
      const someone = await buildUser(server.app)
      assert.ok(await login(url, someone))

      command.child.kill('SIGTERM')
      const exit = await within(command.exited, 20_000, 'exit after SIGTERM')
      assert.deepStrictEqual(exit, { code: 0, signal: null }, command.output())
      assert.match(command.output(), /"message":"stopping","signal":"SIGTERM"/)
    })

    for (const transport of ['rest', 'socketio'] as const) {
      it(`on SIGTERM stops taking connections but finishes a call under way, answer included, then exits 0 (${transport})`, async () => {
        const { world, channel } = await bookingChannel(server.app)
        const { command, url } = await startProcess()
        const content = `sent just before shutdown over ${transport} ${Date.now()}`
        const send =
          transport === 'rest'
            ? async () => {
                const token = await login(url, world.worker)
                return () =>
                  request(url, 'POST', '/messages', { token, body: { channel_id: channel.id, content } })
              }
            : async () => {
                const client = await socketClient(url, world.worker)
                // A dropped connection leaves the call without an answer for good: settle on it
                const dropped = new Promise<never>((_, reject) =>
                  socketOf(client).once('disconnect', (reason) =>
                    setImmediate(() => reject(new Error(`disconnected (${reason}) before the answer`)))
                  )
                )
                dropped.catch(() => undefined)
                return async () => ({
                  status: 201,
                  body: await Promise.race([
                    client.service('messages').create({ channel_id: channel.id, content }),
                    dropped
                  ]),
                  text: ''
                })
              }
        const sendNow = await send()

        // Hold the channel's row lock, so that a send is under way (blocked) when SIGTERM arrives
        locker ??= knex({ client: 'pg', connection: testDatabaseUrl, pool: { min: 0, max: 2 } })
        const trx = await locker.transaction()
        const outcome: { response?: { status: number; body: any; text: string }; error?: any } = {}
        let inFlight: Promise<void> | undefined
        try {
          await trx('chat_channels').where({ id: channel.id }).forUpdate().first()
          inFlight = sendNow().then(
            (response) => void (outcome.response = response),
            (error) => void (outcome.error = error)
          )
          let waiting = false
          for (let attempt = 0; attempt < 200 && !waiting; attempt++) {
            const { rows } = await locker.raw(
              `select count(*)::int as waiting from pg_stat_activity
               where datname = current_database() and wait_event_type = 'Lock'
                 and (query ilike '%chat_channels%' or query ilike '%chat_send_message(%')`
            )
            waiting = rows[0].waiting > 0
            if (!waiting) await sleep(50)
          }
          assert.ok(waiting, 'the send is blocked on the channel lock')

          command.child.kill('SIGTERM')
          assert.ok(await untilRefused(url), `the listener closed after SIGTERM\n${command.output()}`)
          assert.ok(isRunning(command), 'the process waits for the call under way')
          assert.deepStrictEqual(outcome, {}, 'no answer before the call is done')
        } finally {
          await trx.commit()
        }

        await within(inFlight!, 15_000, 'the call under way')
        const exit = await within(command.exited, 20_000, 'exit after SIGTERM')
        assert.deepStrictEqual(exit, { code: 0, signal: null }, command.output())
        const stored = await locker('chat_messages').where({ channel_id: channel.id, content })
        assert.strictEqual(stored.length, 1, 'the call under way committed its message')

        // The caller gets its confirmation: the answer is not cut by the shutdown
        const { response, error } = outcome
        assert.ok(
          !error,
          `the call under way lost its answer: ${error?.cause?.message ?? error?.message}\n${command.output()}`
        )
        assert.strictEqual(response?.status, 201, response?.text)
        assert.strictEqual(response.body.content, content)
        assert.strictEqual(response.body.id, Number(stored[0].id))
      })
    }

    it('npm run migrate reports an up-to-date database and exits 0', async () => {
      const migrate = run('npx', ['tsx', 'src/commands/migrate.ts'], {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: testDatabaseUrl,
        LOG_LEVEL: 'silent'
      })
      try {
        const exit = await within(migrate.exited, 60_000, 'migrate')
        assert.deepStrictEqual(exit, { code: 0, signal: null }, migrate.output())
        assert.match(migrate.output(), /up to date/i)
      } finally {
        killTree(migrate)
      }
    })
  })
})
