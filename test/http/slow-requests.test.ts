import assert from 'assert'
import net from 'net'
import { io } from 'socket.io-client'
import { useServer } from '../helpers/app'
import { buildUser } from '../helpers/factories'
import { login, sleep } from '../helpers/clients'

const REQUEST_TIMEOUT_SECONDS = 2
const HEADERS_TIMEOUT_SECONDS = 1

interface Outcome {
  /** what the server wrote before it closed, if anything */
  answer: string
  /** how long after the first byte the server closed the connection */
  closedAfterMs: number
}

/**
 * A client on a raw socket that sends `head` at once and then `trickle` one byte every
 * 200 ms, never finishing: the way a slow-body (or slow-header) client holds a connection.
 */
function slowClient(url: string, head: string, trickle: string, giveUpMs: number): Promise<Outcome> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const started = Date.now()
    const socket = net.connect(Number(port), hostname)
    let answer = ''
    let sent = 0
    const dripping = setInterval(() => socket.writable && socket.write(trickle[sent++ % trickle.length]), 200)
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs)
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(head))
    socket.on('data', (chunk: string) => (answer += chunk))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(dripping)
      clearTimeout(giveUp)
      resolve({ answer, closedAfterMs: Date.now() - started })
    })
  })
}

describe('slow requests', function () {
  this.timeout(60_000)
  const server = useServer({
    http: {
      request_timeout_seconds: REQUEST_TIMEOUT_SECONDS,
      headers_timeout_seconds: HEADERS_TIMEOUT_SECONDS
    }
  })
  // Well past the timeouts plus Node's check interval, well short of Node's defaults (300 s, 60 s)
  const GIVE_UP_MS = 8_000

  it('answers 408 and closes a connection whose body never finishes arriving', async () => {
    const head =
      'POST /authentication HTTP/1.1\r\nHost: chat\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"strategy":"local","email":"'
    const { answer, closedAfterMs } = await slowClient(server.url, head, 'aaaaaaaaaa', GIVE_UP_MS)
    assert.match(answer, /^HTTP\/1\.1 408 /, `the server answered: ${JSON.stringify(answer.slice(0, 80))}`)
    assert.ok(closedAfterMs >= REQUEST_TIMEOUT_SECONDS * 1000 - 100, `closed after ${closedAfterMs} ms`)
    assert.ok(closedAfterMs < GIVE_UP_MS, `closed after ${closedAfterMs} ms`)
  })

  it('answers 408 and closes a connection whose headers never finish arriving', async () => {
    const { answer, closedAfterMs } = await slowClient(
      server.url,
      'GET /health HTTP/1.1\r\nHost: chat\r\n',
      'X-Slow: yes\r\n',
      GIVE_UP_MS
    )
    assert.match(answer, /^HTTP\/1\.1 408 /, `the server answered: ${JSON.stringify(answer.slice(0, 80))}`)
    assert.ok(closedAfterMs < REQUEST_TIMEOUT_SECONDS * 1000 + 1000, `closed after ${closedAfterMs} ms`)
  })

  it('counts only until a request has arrived: a long-poll held open longer is not cut, nor a WebSocket', async () => {
    const token = await login(server.url, await buildUser(server.app))
    for (const transports of [['polling'], ['websocket']]) {
      const socket = io(server.url, {
        transports,
        forceNew: true,
        reconnection: false,
        extraHeaders: { authorization: `Bearer ${token}` }
      })
      const disconnects: string[] = []
      socket.on('disconnect', (reason) => disconnects.push(reason))
      await new Promise<void>(
        (resolve, reject) => (socket.on('connect', resolve), socket.on('connect_error', reject))
      )
      await sleep(REQUEST_TIMEOUT_SECONDS * 1000 * 2)
      const answer: any = await new Promise((resolve, reject) =>
        // Feathers acknowledges with (error, result); socket.io puts its own timeout first
        socket
          .timeout(5000)
          .emit('find', 'channels', {}, (timeout: Error | null, error: unknown, result: unknown) =>
            timeout || error ? reject(timeout ?? error) : resolve(result)
          )
      )
      assert.deepStrictEqual(disconnects, [], `${transports}: stays connected`)
      socket.close()
      assert.ok(Array.isArray(answer.data), `${transports}: answers calls: ${JSON.stringify(answer)}`)
    }
  })
})
