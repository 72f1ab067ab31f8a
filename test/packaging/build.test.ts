import assert from 'assert'
import fs from 'fs'
import path from 'path'
import { testDatabaseUrl } from '../helpers/database'
import { http, login } from '../helpers/clients'
import { freePort, killTree, root, run, untilReady } from '../helpers/processes'
import type { Command } from '../helpers/processes'
import { useServer } from '../helpers/app'
import { buildOnce } from '../helpers/build'
import { bookingChannel } from '../helpers/fixtures'

/**
 * `npm run build` compiles the server to JavaScript and `npm start` runs that, with
 * plain node: the production path, on the database the TypeScript runs have migrated.
 */
describe('the compiled server (npm run build, npm start)', function () {
  this.timeout(180_000)
  const seeding = useServer()
  let outDir: string
  let server: Command | undefined

  before(async () => {
    // Asynchronous: the app that seeds the data runs in this process and must keep answering
    await buildOnce()
    outDir = path.join(root, 'lib')
  })

  after(() => killTree(server))

  it('emits plain JavaScript for the server and every migration', () => {
    assert.ok(fs.existsSync(path.join(outDir, 'src', 'index.js')))
    const sources = fs.readdirSync(path.join(root, 'migrations')).filter((file) => file.endsWith('.ts'))
    const compiled = fs.readdirSync(path.join(outDir, 'migrations')).filter((file) => file.endsWith('.js'))
    assert.deepStrictEqual(
      compiled.map((file) => file.replace(/\.js$/, '')),
      sources.map((file) => file.replace(/\.ts$/, ''))
    )
  })

  it('starts under plain node on a database migrated from TypeScript, serves, and exits 0 on SIGTERM', async () => {
    const { world, channel } = await bookingChannel(seeding.app)
    const port = await freePort()
    const { DATA_DIR: _dir, ...inherited } = process.env
    server = run(process.execPath, [path.join(outDir, 'src', 'index.js')], {
      ...inherited,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: testDatabaseUrl
    })
    const url = `http://127.0.0.1:${port}`
    await untilReady(url, server)
    assert.doesNotMatch(
      server.output(),
      /applied migrations/,
      'the TypeScript-migrated database has nothing pending'
    )

    const token = await login(url, world.worker)
    const sent = await http(url, 'POST', '/messages', {
      token,
      body: { channel_id: channel.id, content: 'from the build' }
    })
    assert.strictEqual(sent.status, 201, JSON.stringify(sent.body))

    process.kill(server.child.pid!, 'SIGTERM')
    assert.deepStrictEqual(await server.exited, { code: 0, signal: null })
  })
})
