import assert from 'assert'
import { io } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import { createClient, openChannelStream } from '../../src/client'
import type { ClientApplication, Message } from '../../src/client'
import { useServer } from '../helpers/app'
import { testDatabaseUrl } from '../helpers/database'
import type { BookingWorld } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import { http, login, sleep, waitUntil } from '../helpers/clients'
import { freePort, freshGet, killTree, serve, within } from '../helpers/processes'
import type { Command } from '../helpers/processes'

/**
 * A deploy restarts the server under connected people: SIGTERM, then a new process on
 * the same address. The client is the installable package's, with its defaults
 * (long-polling first, Socket.io's own reconnection); nobody reloads anything.
 */
describe('a graceful restart under a connected client', function () {
  this.timeout(120_000)
  const seeding = useServer()
  let world: BookingWorld
  let channelId: number
  let server: Command | undefined
  let client: ClientApplication | undefined

  beforeEach(async () => {
    ;({ world, channelId } = await bookingChannel(seeding.app))
  })
  afterEach(() => {
    ;(client?.io as any)?.close()
    killTree(server)
  })

  const start = async (port: number) =>
    (server = (
      await serve({
        PORT: String(port),
        DATABASE_URL: testDatabaseUrl,
        SHUTDOWN_DRAIN_SECONDS: '1',
        LOG_LEVEL: 'info'
      })
    ).command)
  // While the server is away, messages are written by another instance on the same database
  const sendElsewhere = (content: string) =>
    seeding.app
      .service('messages')
      .create({ channel_id: channelId, content, client_id: content }, { user: world.supervisor })
  /** Sent through the server process, so that it reaches its rooms live. */
  async function sendThrough(url: string, content: string) {
    const posted = await http(url, 'POST', '/messages', {
      token: await login(url, world.supervisor),
      body: { channel_id: channelId, content }
    })
    assert.strictEqual(posted.status, 201, posted.text)
  }

  const variants = [
    { name: 'with the defaults (calls wait for the connection)', options: {} },
    // An app that gives up on unanswered calls: the re-authentication sent as the socket dropped times out too
    { name: 'that gives up on unanswered calls after 2 s', options: { ackTimeout: 2000 } }
  ]
  for (const { name, options } of variants) {
    it(`drains, and a client ${name} reconnects, signs in again with its stored token and fills the gap by itself`, async () => {
      const port = await freePort()
      const url = `http://127.0.0.1:${port}`
      await start(port)
      const socket = io(url, { forceNew: true, ...options })
      client = createClient(socketio(socket))
      await client.authenticate({
        strategy: 'local',
        email: world.worker.email,
        password: world.worker.password
      })
      const held: Message[] = []
      let logins = 0
      client.on('login', () => logins++)
      const stream = openChannelStream(client, channelId, { onMessage: (message) => held.push(message) })
      await sendThrough(url, 'before the restart')
      await waitUntil(() => held.length === 1, 'the first message arrived live', 10_000)
      const reasons: string[] = []
      socket.on('disconnect', (reason) => reasons.push(reason))

      const stopping = server!
      process.kill(stopping.child.pid!, 'SIGTERM')
      // Draining: the balancer's probe fails at once while the connection still works
      await waitUntil(
        async () => (await freshGet(`${url}/ready`).catch(() => 0)) === 503,
        '/ready fails while draining',
        5000
      )
      assert.strictEqual(
        (await client.service('channels').get(channelId)).id,
        channelId,
        'calls are still answered while draining'
      )
      const exit = await within(stopping.exited, 30_000, 'the old process exits')
      assert.strictEqual(exit.code, 0, stopping.output())
      assert.deepStrictEqual(reasons, ['transport close'], 'the client was not told to stay away')

      // Longer away than a call's 5 s timeout: what is sent meanwhile must still arrive
      await sendElsewhere('while away 1')
      const typedWhileAway = sendUntilAnswered(client, channelId, 'typed while away')
      await sleep(6000)
      await sendElsewhere('while away 2')
      await start(port)

      const answered = await within(
        typedWhileAway,
        30_000,
        'the call made while away is answered after the restart'
      )
      assert.strictEqual(answered.content, 'typed while away')
      await waitUntil(() => held.length === 4, 'the stream filled the gap after the new login', 30_000)
      await sendThrough(url, 'after the restart')
      await waitUntil(() => held.length === 5, 'a live message arrives on the new connection', 10_000)
      assert.strictEqual(logins, 1, 'the client signed in again by itself, once')
      assert.deepStrictEqual(
        held.map((message) => message.content),
        // What was typed while away goes out once the connection is back
        ['before the restart', 'while away 1', 'while away 2', 'typed while away', 'after the restart']
      )
      assert.deepStrictEqual(
        held.map((message) => message.seq),
        [1, 2, 3, 4, 5].map((n) => held[0].seq + n - 1)
      )
      stream.close()
    })
  }

  it('signs each of two people in one process in again as themselves', async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    await start(port)
    const connect = async (person: { email: string; password: string }) => {
      const app = createClient(socketio(io(url, { forceNew: true })))
      await app.authenticate({ strategy: 'local', email: person.email, password: person.password })
      return app
    }
    const worker = await connect(world.worker)
    // The second sign-in must not replace the first one's token
    const supervisor = await connect(world.supervisor)
    const whoAmI = async (app: ClientApplication) => (await app.reAuthenticate()).user.id
    try {
      process.kill(server!.child.pid!, 'SIGTERM')
      await within(server!.exited, 30_000, 'the old process exits')
      await start(port)
      for (const [app, person] of [
        [worker, world.worker],
        [supervisor, world.supervisor]
      ] as const) {
        const sent = await sendUntilAnswered(app, channelId, `back as ${person.email}`)
        assert.strictEqual(sent.sender_id, person.id, 'the message is sent by the person who typed it')
        assert.strictEqual(await whoAmI(app), person.id)
      }
    } finally {
      for (const app of [worker, supervisor]) (app.io as any).close()
    }
  })
})

/** As an app does: a call that got no answer is made again with the same client_id. */
async function sendUntilAnswered(
  client: ClientApplication,
  channelId: number,
  content: string
): Promise<Message> {
  for (;;) {
    try {
      return await client.service('messages').create({ channel_id: channelId, content, client_id: content })
    } catch {
      await sleep(500)
    }
  }
}
