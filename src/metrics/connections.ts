import { Gauge } from 'prom-client'
import type { Application } from '../declarations'
import { perApp } from './per-app'

/**
 * Connections an instance is sized for when `connections.capacity` is not set: about
 * 16 KB of memory and one file descriptor each (README, Performance), with room left
 * under a descriptor limit of 20,000. It is not enforced: the alert warns before it.
 */
export const DEFAULT_CAPACITY = 10_000

export const connectionMetrics = perApp((registers, app) => ({
  byState: new Gauge<'state' | 'transport'>({
    name: 'chat_socket_connections_by_state',
    help: 'Socket.io connections open on this instance, by state (authenticated, anonymous) and transport (polling, websocket)',
    labelNames: ['state', 'transport'],
    registers,
    collect() {
      this.reset()
      for (const state of ['authenticated', 'anonymous']) {
        for (const transport of ['polling', 'websocket']) this.set({ state, transport }, 0)
      }
      for (const socket of (app as any).io?.of('/').sockets.values() ?? []) {
        const state = (socket as any).feathers?.user ? 'authenticated' : 'anonymous'
        const transport = socket.conn?.transport?.name === 'websocket' ? 'websocket' : 'polling'
        this.inc({ state, transport })
      }
    }
  }),
  capacity: new Gauge({
    name: 'chat_socket_connections_capacity',
    help: 'Socket.io connections this instance is sized for (connections.capacity)',
    registers,
    collect() {
      this.set(capacityOf(app))
    }
  })
}))

export const capacityOf = (app: Application) => app.get('connections').capacity ?? DEFAULT_CAPACITY
