import type { Socket } from 'socket.io'

/**
 * Ends a connection so that its client comes back by itself. `socket.disconnect()` tells
 * a Socket.io client that the server ended the session on purpose ("io server
 * disconnect"), and such a client never reconnects on its own: after a restart, a lag
 * shed or an expired token it would wait for a reload. Closing the transport reads to the
 * client as a lost connection ("transport close"), which its reconnection backoff
 * recovers from, through the balancer to whichever instance answers. Packets already
 * queued (answers of finished calls) are written out first unless `discard` is set.
 */
export function closeTransport(socket: Socket, discard = false) {
  socket.conn.close(discard)
}

/** Every local connection of `sockets`, as `closeTransport` does for one. */
export function closeTransports(sockets: Iterable<Socket>, discard = false) {
  for (const socket of [...sockets]) closeTransport(socket, discard)
}

/**
 * Ends a connection that must not be served further, at once: what it has not taken is
 * dropped (it reconnects and fills the gap by seq), and its websocket is torn down rather
 * than closed, since one that does not read would hold its closing handshake for 30 s and
 * one that floods would keep being read meanwhile.
 */
export function cutConnection(connection: Socket['conn']) {
  connection.close(true)
  ;(connection as any).transport?.socket?.terminate?.()
}
