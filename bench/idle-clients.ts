/**
 * A client process for the idle-memory scenario: opens one raw socket.io-client
 * connection per token it is given (websocket only), authenticates each with the
 * Feathers socket protocol and the JWT strategy (no token: connects only), and keeps
 * them open until told to exit. Raw clients keep this process's CPU low enough for
 * thousands of connections.
 */
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'

const url = process.env.URL!
const CONCURRENCY = 50
const sockets: Socket[] = []

function open(token: string | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 60_000
    })
    sockets.push(socket)
    socket.once('connect_error', reject)
    socket.once('connect', () => {
      if (!token) return resolve()
      socket.emit(
        'create',
        'authentication',
        { strategy: 'jwt', accessToken: token },
        {},
        (error: unknown) =>
          error ? reject(new Error(`authentication: ${JSON.stringify(error)}`)) : resolve()
      )
    })
  })
}

process.on('message', async (message: { type: string; tokens?: Array<string | null> }) => {
  if (message.type === 'open') {
    const tokens = message.tokens!
    let next = 0
    try {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < tokens.length) await open(tokens[next++])
        })
      )
      process.send!({ type: 'opened', n: sockets.length })
    } catch (error: any) {
      process.send!({ type: 'failed', error: error?.message ?? String(error) })
    }
  } else if (message.type === 'exit') {
    for (const socket of sockets) socket.close()
    setTimeout(() => process.exit(0), 200)
  }
})
process.send!({ type: 'ready' })
