import assert from 'assert'
import fs from 'fs'
import path from 'path'
import { useServer } from '../helpers/app'
import { APP_DEPENDENCIES, appWithClientPackage, typeCheck } from '../helpers/client-package'
import { bookingChannel } from '../helpers/fixtures'
import { run } from '../helpers/processes'

const SERVER_ONLY = [
  '@electric-sql/pglite',
  'twilio',
  'firebase-admin',
  'knex',
  'pg',
  'koa',
  'ioredis',
  'socket.io'
]

// A separate app, written as an app developer would, in strict TypeScript
const APP_SOURCE = `
import { createClient, io, openChannelStream, rest, socketio } from '@context-chat/client'
import type { ChannelView, Message, Paginated } from '@context-chat/client'

declare const process: { argv: string[]; exit(code: number): never }
const [url, email, password, channel] = process.argv.slice(2)

const socket = io(url, { transports: ['websocket'] })
const client = createClient(socketio(socket))
await client.authenticate({ strategy: 'local', email, password })
// The channel's messages in seq order, from the start
const streamed: Message[] = []
const stream = openChannelStream(client, Number(channel), { onMessage: (message) => streamed.push(message) })
const sent: Message = await client.service('messages').create({ channel_id: Number(channel), content: 'hello from an installed client' })
// presence's custom methods are registered by createClient
const typing = await client.service('presence').typing({ channel_id: Number(channel), typing: true })
const channels: Paginated<ChannelView> & { total_unread: number } = await client.service('channels').find()
// Marking read needs no participant id
const read = await client.service('participants').patch(null, { last_read_seq: sent.seq }, { query: { channel_id: Number(channel) } })

const overRest = createClient(rest(url).fetch(fetch))
await overRest.authenticate({ strategy: 'local', email, password })
const history = await overRest.service('messages').find({ query: { channel_id: Number(channel), $sort: { seq: -1 }, $limit: 1 } })
while (streamed.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
stream.close()
console.log(JSON.stringify({
  seq: sent.seq,
  streamed: streamed.map((message) => message.content),
  typing: typing.typing,
  unread: channels.data.map((c) => c.unread_count),
  total_unread: channels.total_unread,
  sender: sent.sender.name === history.data[0]?.sender.name,
  read: read.last_read_seq,
  last: history.data[0]?.content
}))
socket.close()
`

const tsconfig = (moduleResolution: 'bundler' | 'node16') => ({
  compilerOptions: {
    strict: true,
    target: 'es2022',
    module: moduleResolution === 'bundler' ? 'esnext' : 'node16',
    moduleResolution,
    lib: ['es2022', 'dom'],
    types: [],
    skipLibCheck: false,
    noEmit: moduleResolution === 'bundler',
    outDir: 'out'
  },
  files: ['app.ts']
})

describe('the installable client package', function () {
  this.timeout(180_000)
  const server = useServer()
  let app: string

  before(async () => {
    ;({ app } = await appWithClientPackage('client-app-'))
    fs.writeFileSync(path.join(app, 'app.ts'), APP_SOURCE)
  })

  after(() => {
    if (app) fs.rmSync(app, { recursive: true, force: true })
  })

  it('depends on the Feathers client libraries only: nothing of the server is in the package or its imports', () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(app, 'node_modules', '@context-chat', 'client', 'package.json'), 'utf8')
    )
    assert.deepStrictEqual(Object.keys(manifest.dependencies).sort(), [...APP_DEPENDENCIES].sort())
    assert.strictEqual(manifest.type, 'module')
    const code = fs.readFileSync(
      path.join(app, 'node_modules', '@context-chat', 'client', 'index.js'),
      'utf8'
    )
    const types = fs.readFileSync(
      path.join(app, 'node_modules', '@context-chat', 'client', 'index.d.ts'),
      'utf8'
    )
    const imported = [...`${code}\n${types}`.matchAll(/from\s+["']([^"']+)["']/g)].map((match) => match[1])
    assert.deepStrictEqual([...new Set(imported)].sort(), [...APP_DEPENDENCIES].sort())
    for (const name of SERVER_ONLY) assert.ok(!imported.includes(name), `${name} is not imported`)
  })

  for (const moduleResolution of ['bundler', 'node16'] as const) {
    it(`type-checks in a separate strict app with moduleResolution ${moduleResolution}`, async () => {
      fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig(moduleResolution)))
      const { passed, output } = await typeCheck(app, app)
      assert.ok(passed, `tsc reported:\n${output}`)
    })
  }

  it('refuses, at compile time, a field the service does not take', async () => {
    const wrong = APP_SOURCE.replace(
      "content: 'hello from an installed client'",
      "content: 'x', colour: 'red'"
    )
    fs.writeFileSync(path.join(app, 'wrong.ts'), wrong)
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({ ...tsconfig('bundler'), files: ['wrong.ts'] })
    )
    const { passed, stdout } = await typeCheck(app, app)
    assert.strictEqual(passed, false, 'tsc refuses the unknown field')
    assert.match(stdout, /colour/)
  })

  it('runs in that app against the server over Socket.io and REST', async () => {
    const { world, channel } = await bookingChannel(server.app)
    const compiled = path.join(app, 'out', 'app.js')
    assert.ok(fs.existsSync(compiled), 'the node16 build emitted the app')
    const command = run(
      process.execPath,
      [compiled, server.url, world.worker.email, world.worker.password, String(channel.id)],
      {
        PATH: process.env.PATH
      }
    )
    const { code } = await command.exited
    assert.strictEqual(code, 0, command.output())
    const result = JSON.parse(command.output().trim().split('\n').at(-1)!)
    assert.deepStrictEqual(result, {
      seq: 1,
      streamed: ['hello from an installed client'],
      typing: true,
      unread: [0],
      total_unread: 0,
      sender: true,
      read: 1,
      last: 'hello from an installed client'
    })
  })
})
