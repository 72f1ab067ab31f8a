import assert from 'assert'
import { io } from 'socket.io-client'
import { useServer } from '../helpers/app'
import { buildUser } from '../helpers/factories'
import { login, waitUntil } from '../helpers/clients'

const BUDGET = 3
const REFUSED = 300
const ADMITTED = 10 * BUDGET

const timeouts = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length

/** Opens a Socket.io connection with the token in its handshake header; resolves with the outcome once it is closed. */
function handshake(url: string, address: string, token: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { authorization: `Bearer ${token}`, 'x-forwarded-for': address }
    })
    socket.on('connect', () => (socket.close(), resolve('connected')))
    socket.on(
      'connect_error',
      (error: any) => (socket.close(), resolve(String(error.data?.code ?? error.message)))
    )
  })
}

describe('Socket.io handshakes', function () {
  this.timeout(60_000)
  const server = useServer({
    connections: {
      per_ip_per_minute: BUDGET,
      trust_proxy: true,
      max_buffered_packets: 1000,
      max_delivery_lag_ms: 5000
    }
  })
  let token: string

  const settled = () =>
    waitUntil(
      () => server.app.io.engine.clientsCount === 0,
      'every connection to close on the server',
      10_000
    )

  before(async () => {
    token = await login(server.url, await buildUser(server.app))
  })

  it('holds nothing for a handshake refused by the per-address budget, even with a valid token', async () => {
    const address = '203.0.113.40'
    const admitted = []
    for (let i = 0; i < BUDGET; i++) admitted.push(await handshake(server.url, address, token))
    assert.deepStrictEqual(admitted, Array(BUDGET).fill('connected'))
    await settled()
    const before = timeouts()

    const outcomes = new Map<string, number>()
    for (let batch = 0; batch < REFUSED / 50; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => handshake(server.url, address, token))
      )
      for (const answer of answers) outcomes.set(answer, (outcomes.get(answer) ?? 0) + 1)
    }
    assert.deepStrictEqual([...outcomes], [['429', REFUSED]])
    await settled()
    // Each authenticated handshake used to leave its token's expiry timer (a day long) behind
    assert.ok(timeouts() - before < 10, `timers before ${before}, after ${REFUSED} refusals ${timeouts()}`)
  })

  it('clears the expiry timer of an admitted connection when it closes', async () => {
    await settled()
    const before = timeouts()
    const answers = await Promise.all(
      Array.from({ length: ADMITTED }, (_, i) => handshake(server.url, `203.0.113.${100 + (i % 10)}`, token))
    )
    assert.deepStrictEqual(answers, Array(ADMITTED).fill('connected'))
    await settled()
    assert.ok(
      timeouts() - before < 10,
      `timers before ${before}, after ${ADMITTED} connections ${timeouts()}`
    )
  })
})
