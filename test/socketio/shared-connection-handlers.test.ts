import assert from 'assert'
import type { Socket } from 'socket.io'
import { useServer } from '../helpers/app'
import { bookingChannelWithClients } from '../helpers/fixtures'
import { nextPresence, reconnectingClient, socketClient, socketOf, waitUntil } from '../helpers/clients'

/** The server side of the connections signed in as `userId`. */
const socketsOf = (server: ReturnType<typeof useServer>, userId: number): Socket[] =>
  [...server.app.io.of('/').sockets.values()].filter((socket) => (socket as any).feathers.user?.id === userId)

/** What the server answers to an event that asks for an answer (none within 5 s: rejects). */
const answerTo = (client: Parameters<typeof socketOf>[0], event: string) =>
  new Promise<any>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to '${event}'`)), 5000)
    socketOf(client).emit(event, 'messages', (answer: unknown) => (clearTimeout(timer), resolve(answer)))
  })

// Socket.io's packet middlewares of a connection (socket.use), which it keeps unexported
const middlewaresOf = (socket: Socket): unknown[] => (socket as any).fns

describe('what each Socket.io connection holds of its own', function () {
  this.timeout(30_000)
  const server = useServer()

  it('shares its method handlers, its disconnect listener and its call middleware with every other connection', async () => {
    const { world } = await bookingChannelWithClients(server)
    await socketClient(server.url, world.worker)
    await socketClient(server.url, world.supervisor)
    const [worker] = socketsOf(server, world.worker.id)
    const [supervisor] = socketsOf(server, world.supervisor.id)

    // No listener per method name (each is an entry in the connection's listener table):
    // one catch-all listener routes every call of every connection
    for (const method of ['find', 'create', 'patch', 'typing'])
      assert.deepStrictEqual(worker.listeners(method), [], `no '${method}' listener of its own`)
    assert.strictEqual(worker.listenersAny().length, 1)
    assert.strictEqual(worker.listenersAny()[0], supervisor.listenersAny()[0], 'one call router for both')
    // Feathers' own disconnect closure is gone too: the lifecycle's one listener announces it
    assert.strictEqual(worker.listeners('disconnect').length, 1, 'one disconnect listener')
    assert.strictEqual(worker.listeners('disconnect')[0], supervisor.listeners('disconnect')[0])
    for (const event of worker.eventNames())
      assert.deepStrictEqual(
        worker.listeners(event as string),
        supervisor.listeners(event as string),
        `'${String(event)}' listeners`
      )
    assert.strictEqual(middlewaresOf(worker).length, 1)
    assert.strictEqual(middlewaresOf(worker)[0], middlewaresOf(supervisor)[0], 'one call middleware for both')
  })

  it('still serves calls, answers an unknown call with a 405, and hears a disconnect and a reconnection', async () => {
    const { world, clients } = await bookingChannelWithClients(server, { connected: ['supervisor'] })
    const { supervisor } = clients
    const online = nextPresence(supervisor, world.worker.id, true)
    const { client: worker, socket } = await reconnectingClient(server.url, world.worker)
    await online

    const page = await worker.service('channels').find({ query: { $limit: 1 } })
    assert.strictEqual(page.data.length, 1, 'calls are served')
    const unknown = await answerTo(worker, 'subscribe')
    assert.strictEqual(unknown?.code, 405)
    assert.match(unknown.message, /There is no method 'subscribe'/)
    // `error` is a listener of every connection, but not a method: it is answered as unknown too
    assert.strictEqual((await answerTo(worker, 'error'))?.code, 405)

    // The network drops: the lifecycle's disconnect takes the person offline, and the
    // client comes back by itself, re-authenticated, and is online again
    const offline = nextPresence(supervisor, world.worker.id, false)
    const backOnline = nextPresence(supervisor, world.worker.id, true, 15_000)
    socket.io.engine.close()
    await offline
    await backOnline
    await waitUntil(() => socketsOf(server, world.worker.id).length === 1, 'one connection of the worker')
    const again = await worker.service('channels').find({ query: { $limit: 1 } })
    assert.strictEqual(again.data.length, 1, 'calls are served after the reconnection')
  })
})
