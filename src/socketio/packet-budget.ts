import type { Server, Socket } from 'socket.io'
import type { Application } from '../declarations'
import { metricsOf } from '../metrics/registry'
import { logger } from '../logging/logger'
import { ExpiringCache } from '../cache/expiring-cache'
import { connectionAddress } from './client-address'
import { cutConnection } from './end-connections'

type Connection = Socket['conn']

const WINDOW_MS = 10_000
const LOG_EVERY_MS = 60_000

// What a client of this app sends in its busiest 10 s (the chat page's load, a reconnect's
// catch-up, typing: at most 30 in the browser tests, which run at this budget) with room to spare
export const FEWEST_PACKETS_PER_WINDOW = 100

/**
 * Unless set, ten seconds of a person's call budget and half as much again (answers
 * refused early, typing): a client that spreads its calls over the minute never meets
 * it, and lifting the call budget lifts this one. Not a whole minute of calls: a flooder
 * that is cut reconnects and floods again, as often as the per-address connection budget
 * lets it, so every connection's budget is spent over and over (bench/socket-flood.ts).
 * Never below what the app's own clients need, however low the call budget: a cut client
 * reconnects, logs in and loads again, and a budget below that would cut it over and over.
 */
export const defaultPacketsPerWindow = (callsPerMinute: number) =>
  Math.max(FEWEST_PACKETS_PER_WINDOW, Math.ceil((callsPerMinute / 6) * 1.5))

export const packetsPerWindow = (app: Application) =>
  app.get('connections').packets_per_10_seconds ?? defaultPacketsPerWindow(app.get('limits').calls_per_minute)

/**
 * Every packet a connection sends counts against its budget for a 10 s window, whatever
 * it is: a method call, an unknown event, one that asks for no answer, a request to join
 * a namespace that does not exist. Past the budget the connection is cut (the client
 * reads a lost connection and comes back by itself, through the per-address connection
 * budget) and its packets reach no handler, so one socket cannot keep the event loop busy
 * for everyone: the call budgets count only what reaches a service, and answering a
 * refused call costs about as much as the call. Counted on the Engine.IO connection, which
 * sees every packet before Socket.io decodes it: a Socket.io middleware would run behind
 * `onAny` listeners and never see packets for other namespaces, and Socket.io answers
 * each of those (with "Invalid namespace") too.
 */
export function budgetPackets(app: Application, io: Server) {
  const perWindow = packetsPerWindow(app)
  const { trust_proxy } = app.get('connections')
  const metrics = metricsOf(app)
  // A flooder cut off reconnects and floods again: one line a minute per address says enough
  const logged = new ExpiringCache<string, true>(LOG_EVERY_MS)

  const cutOff = (connection: Connection) => {
    metrics.packetBudgetCuts.inc()
    const address = connectionAddress(connection, trust_proxy)
    if (!logged.has(address)) {
      logged.set(address, true)
      logger.warn('cutting off connections past their packet budget', {
        address,
        packets_per_10_seconds: perWindow
      })
    }
    cutConnection(connection)
  }
  const counted = countPackets(perWindow, cutOff)
  io.engine.on('connection', (connection: Connection) => connection.on('packet', counted))
}

/** A connection's current window: when it began and the packets counted in it. */
class PacketWindow {
  started = Date.now()
  count = 0
}

/**
 * A fixed window counted on the connection itself: a limiter that answers with a promise
 * would cost more per packet than the packets it refuses. Engine.IO announces a packet
 * before handing it to Socket.io; once the connection is cut it hands on no more, that
 * one included. One listener serves every connection (Engine.IO calls it with the
 * connection as `this`), which keeps only its window: an idle connection holds no
 * closures of its own for the budget.
 */
function countPackets(perWindow: number, cutOff: (connection: Connection) => void) {
  const windows = new WeakMap<Connection, PacketWindow>()
  return function counted(this: Connection) {
    let window = windows.get(this)
    if (!window) windows.set(this, (window = new PacketWindow()))
    const now = Date.now()
    if (now - window.started >= WINDOW_MS) {
      window.started = now
      window.count = 0
    }
    if (++window.count === perWindow + 1) cutOff(this)
  }
}
