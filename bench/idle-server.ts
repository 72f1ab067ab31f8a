/**
 * A server process for the idle-memory scenario, started with --expose-gc: the service
 * itself (createApp, as src/index.ts builds it, on DATABASE_URL), or with RAW=1 a plain
 * Socket.io server that only accepts connections. Answers `{type: 'mem'}` over IPC with
 * its memory after two forced collections, and `{type: 'snapshot'}` with a heap
 * snapshot's path. The plain server lets each connection's handshake request go as
 * Socket.io's memory documentation advises with RELEASE=documented, and as the service
 * does with RELEASE=service.
 */
import http from 'http'
import type { AddressInfo } from 'net'
import v8 from 'v8'
import { Server } from 'socket.io'
import { releaseHandshakeRequests } from '../src/socketio/release-handshake-request'

const collect = async () => {
  for (let i = 0; i < 2; i++) {
    ;(global as { gc?: () => void }).gc?.()
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function listen(): Promise<{ server: http.Server; sockets: () => number }> {
  if (process.env.RAW === '1') {
    const server = http.createServer()
    const io = new Server(server, { transports: ['websocket'], serveClient: false })
    if (process.env.RELEASE === 'documented')
      io.engine.on('connection', (connection: { request: unknown }) => (connection.request = null))
    if (process.env.RELEASE === 'service') releaseHandshakeRequests(io)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return { server, sockets: () => io.of('/').sockets.size }
  }
  const { createApp } = await import('../src/app')
  const app = createApp({ database: { url: process.env.DATABASE_URL!, dataDir: '' } })
  const server = await app.listen(0, '127.0.0.1')
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  return { server, sockets: () => (app as any).io.of('/').sockets.size }
}

listen().then(({ server, sockets }) => {
  process.send!({ type: 'listening', port: (server.address() as AddressInfo).port })
  process.on('message', async (message: { type: string }) => {
    if (message.type === 'mem') {
      await collect()
      const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage()
      process.send!({ type: 'mem', rss, heapTotal, heapUsed, external, arrayBuffers, sockets: sockets() })
    } else if (message.type === 'snapshot') {
      await collect()
      process.send!({ type: 'snapshot', path: v8.writeHeapSnapshot() })
    } else if (message.type === 'exit') {
      process.exit(0)
    }
  })
})
