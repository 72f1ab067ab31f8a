import assert from 'assert'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import { useServer } from '../helpers/app'
import { buildUser } from '../helpers/factories'
import { http, login, waitUntil } from '../helpers/clients'

const MAX_PER_USER = 3
const MAX_PER_ADDRESS = 6

interface Attempt {
  socket: Socket
  /** `connected`, or the refusal as `<code> <message>` */
  outcome: string
}

describe('bounds on open Socket.io connections', function () {
  this.timeout(60_000)
  const server = useServer({
    connections: { trust_proxy: true, max_per_user: MAX_PER_USER, max_per_address: MAX_PER_ADDRESS }
  })
  const opened: Socket[] = []
  let lastAddress = 0
  // Each test from addresses of its own, so that only its own connections count
  const freshAddress = () => `198.51.100.${++lastAddress}`

  const connect = (address: string, token?: string): Promise<Attempt> =>
    new Promise((resolve) => {
      const headers: Record<string, string> = { 'x-forwarded-for': address }
      if (token) headers.authorization = `Bearer ${token}`
      const socket = io(server.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        extraHeaders: headers
      })
      opened.push(socket)
      socket.once('connect', () => resolve({ socket, outcome: 'connected' }))
      socket.once('connect_error', (error: any) =>
        resolve({ socket, outcome: `${error.data?.code} ${error.message}` })
      )
    })

  const connectMany = (count: number, address: () => string, token?: string) =>
    Promise.all(Array.from({ length: count }, () => connect(address(), token)))

  /** Feathers' `authenticate` over an open socket: the answer's error code, or `ok`. */
  const authenticate = (socket: Socket, accessToken: string): Promise<string> =>
    new Promise((resolve) =>
      socket.emit('create', 'authentication', { strategy: 'jwt', accessToken }, {}, (error: any) =>
        resolve(error ? `${error.code} ${error.message}` : 'ok')
      )
    )

  const connectedOf = (attempts: Attempt[]) => attempts.filter((attempt) => attempt.outcome === 'connected')
  const refusedOf = (attempts: Attempt[]) => attempts.filter((attempt) => attempt.outcome !== 'connected')
  const openOnServer = () => server.app.io.of('/').sockets.size
  const closeAll = async () => {
    for (const socket of opened.splice(0)) socket.close()
    await waitUntil(() => server.app.io.engine.clientsCount === 0, 'every connection closed on the server')
  }

  const personToken = async () => login(server.url, await buildUser(server.app))

  afterEach(closeAll)

  it('admits max_per_user connections of one person, opened at once from several addresses, and refuses the rest with a 429 connect_error', async () => {
    const token = await personToken()
    const addresses = [freshAddress(), freshAddress(), freshAddress()]
    const attempts = await connectMany(3 * MAX_PER_USER, () => addresses[opened.length % 3], token)
    assert.strictEqual(connectedOf(attempts).length, MAX_PER_USER)
    for (const { outcome } of refusedOf(attempts))
      assert.match(outcome, /^429 Too many open connections for this person/)
    const metrics = (await http(server.url, 'GET', '/metrics')).text
    assert.match(metrics, /^chat_socket_connections_refused_total\{reason="open_per_person"\} [1-9]/m)
  })

  it('gives a person’s slot back when a connection closes', async () => {
    const token = await personToken()
    const address = freshAddress()
    const admitted = connectedOf(await connectMany(MAX_PER_USER, () => address, token))
    assert.strictEqual(admitted.length, MAX_PER_USER)
    assert.match((await connect(address, token)).outcome, /^429 /)
    admitted[0].socket.close()
    await waitUntil(() => openOnServer() === MAX_PER_USER - 1, 'the closed connection gone on the server')
    assert.strictEqual((await connect(address, token)).outcome, 'connected')
  })

  it('refuses an authenticate call over the bound with a 429, then disconnects; calls made at once admit exactly the bound', async () => {
    const token = await personToken()
    const address = freshAddress()
    const anonymous = connectedOf(await connectMany(MAX_PER_ADDRESS, () => address))
    assert.strictEqual(anonymous.length, MAX_PER_ADDRESS)
    const disconnects = anonymous.map(
      ({ socket }) => new Promise<string>((resolve) => socket.once('disconnect', resolve))
    )

    const answers = await Promise.all(anonymous.map(({ socket }) => authenticate(socket, token)))
    assert.strictEqual(answers.filter((answer) => answer === 'ok').length, MAX_PER_USER)
    const refused = answers.flatMap((answer, i) => (answer === 'ok' ? [] : [i]))
    for (const i of refused) assert.match(answers[i], /^429 Too many open connections for this person/)
    // Told why, then ended on purpose: a client does not reconnect into the same refusal
    for (const i of refused) assert.strictEqual(await disconnects[i], 'io server disconnect')
    assert.ok(anonymous.every(({ socket }, i) => socket.connected === !refused.includes(i)))
  })

  it('gives a person’s slot back on logout', async () => {
    const token = await personToken()
    const address = freshAddress()
    const admitted = connectedOf(await connectMany(MAX_PER_USER, () => address, token))
    assert.match((await connect(address, token)).outcome, /^429 /)
    const loggedOut = await new Promise((resolve) =>
      admitted[0].socket.emit('remove', 'authentication', null, {}, resolve)
    )
    assert.strictEqual(loggedOut, null)
    assert.strictEqual((await connect(address, token)).outcome, 'connected')
  })

  it('admits max_per_address connections from one address, opened at once, and refuses the rest with a 429 connect_error', async () => {
    const address = freshAddress()
    const attempts = await connectMany(MAX_PER_ADDRESS + 4, () => address)
    const admitted = connectedOf(attempts)
    assert.strictEqual(admitted.length, MAX_PER_ADDRESS)
    for (const { outcome } of refusedOf(attempts))
      assert.match(outcome, /^429 Too many open connections from this address/)
    assert.strictEqual(
      (await connect(freshAddress())).outcome,
      'connected',
      'another address has its own bound'
    )

    admitted[0].socket.close()
    await waitUntil(() => openOnServer() === MAX_PER_ADDRESS, 'the closed connection gone on the server')
    assert.strictEqual((await connect(address)).outcome, 'connected')
  })

  it('gives the address slot back for a handshake refused for its person', async () => {
    const token = await personToken()
    const address = freshAddress()
    assert.strictEqual(
      connectedOf(await connectMany(MAX_PER_USER, () => address, token)).length,
      MAX_PER_USER
    )
    const refused = await connectMany(5, () => address, token)
    assert.strictEqual(refusedOf(refused).length, 5)
    // The refused clients close; the address then has room for exactly the rest of its bound
    await waitUntil(
      () => server.app.io.engine.clientsCount === MAX_PER_USER,
      'the refused connections closed'
    )
    const others = await connectMany(MAX_PER_ADDRESS - MAX_PER_USER, () => address)
    assert.strictEqual(connectedOf(others).length, MAX_PER_ADDRESS - MAX_PER_USER)
    assert.match((await connect(address)).outcome, /^429 Too many open connections from this address/)
  })
})
