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
 * The same for an event emitter's lists of listeners (Node keeps a list for an event
 * with more than one listener in its `_events`; an emitter without it is left as it is).
 * Node 24 no longer copies a list to emit it: it counts on the list, under a symbol, the
 * emits walking it, and copies the list before a listener is added to or taken off one
 * being walked. A bare `slice` has no count, and `undefined + 1` makes it NaN for good, so
 * every later change went into the list an emit was walking: a `once` listener taking
 * itself off shifted the next one past the loop (Socket.io's close listener, after
 * Engine.IO's). The copy keeps the list's own keyed fields (that count, `warned`) as
 * Node's own copies do; on Node 22 a list has none and emits walk a copy.
 */
export function fitListenersToSize(emitter: object) {
  const events = (emitter as { _events?: unknown })._events
  if (typeof events !== 'object' || events === null) return
  for (const event of Object.keys(events)) {
    const held: unknown = (events as Record<string, unknown>)[event]
    if (!Array.isArray(held)) continue
    const copy = held.slice()
    // A count copied while an emit walks the list stays above zero: Node then copies the
    // list at its next change, as it does any list being walked, and that copy starts at 0
    for (const key of Reflect.ownKeys(held))
      if (typeof key === 'symbol' || key === 'warned') Reflect.set(copy, key, Reflect.get(held, key))
    ;(events as Record<string, unknown>)[event] = copy
  }
}

/**
 * What a connection's libraries keep so, fitted once the connection is admitted (its
 * listeners are final then): the Engine.IO connection's close listeners (three:
 * Engine.IO's, Socket.io's and the open-connection bounds') and what it runs when its
 * transport goes (one function), the listeners of Socket.io's packet decoder (one), and
 * Socket.io's maps of one entry or none (0.15 KB each, ./small-map.ts).
 */
export function fitConnectionToSize(socket: { conn: object; client: object }) {
  // Socket.io's answers awaited, and its client's sockets by id and by namespace
  fitMapToSize(socket, 'acks')
  fitMapToSize(socket.client, 'sockets')
  fitMapToSize(socket.client, 'nsps')
  fitListenersToSize(socket.conn)
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
