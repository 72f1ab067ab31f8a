import { SmallMap } from './small-map'

/**
 * The first `push` onto an array, or a third element added to two, grows it as V8 grows
 * any array it expects to grow further: to room for 17 or 20 elements (0.15 KB). The
 * libraries under a connection keep such arrays for the connection's whole life, holding
 * one to three functions each. A copy (`slice`) has room for what it holds and behaves as
 * before: what is added later grows it again.
 */

/** Replaces `owner[field]` by a copy of its own size, if it is an array (unexported fields: if one is gone, nothing is copied). */
export function fitArrayToSize(owner: object, field: string) {
  const held = (owner as Record<string, unknown>)[field]
  if (Array.isArray(held)) (owner as Record<string, unknown>)[field] = held.slice()
}

/**
 * What a connection's libraries keep so, fitted once the connection is admitted (its
 * listeners are final then): what the Engine.IO connection runs when its transport goes
 * (one function), the listeners of Socket.io's packet decoder (one), and Socket.io's maps
 * of one entry or none (0.15 KB each, ./small-map.ts). The Engine.IO connection's own
 * listener lists (Node's `_events`) are left as they are: replaced with copies on Node 24,
 * the packet budget counted one packet less and a reconnection was not heard.
 */
export function fitConnectionToSize(socket: { conn: object; client: object }) {
  // Socket.io's answers awaited, and its client's sockets by id and by namespace
  fitMapToSize(socket, 'acks')
  fitMapToSize(socket.client, 'sockets')
  fitMapToSize(socket.client, 'nsps')
  fitArrayToSize(socket.conn, 'cleanupFn')
  // The decoder emits as Socket.io's own emitter does: its lists are in `_callbacks`
  const decoder = (socket.client as { decoder?: { _callbacks?: object } }).decoder
  if (decoder?._callbacks)
    for (const event of Object.keys(decoder._callbacks)) fitArrayToSize(decoder._callbacks, event)
}

/** Replaces `owner[field]`, a Map of one entry or none, by a SmallMap of the same entries. */
function fitMapToSize(owner: object, field: string) {
  const held = (owner as Record<string, unknown>)[field]
  if (held instanceof Map && held.size <= 1) (owner as Record<string, unknown>)[field] = new SmallMap(held)
}
