import type { Server } from 'socket.io'
import { nameConnection } from '../logging/call-context'

/**
 * Each call's access line names its connection by the socket's id (never the Engine.IO
 * session id, which a long-polling client sends as its credential for the session).
 */
export function nameConnectionsForTheLog(io: Server) {
  io.on('connection', (socket) => nameConnection((socket as any).feathers, socket.id))
}
