import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import type { Application } from '../declarations'

function createMetrics(app: Application) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  new Gauge({
    name: 'chat_socket_connections',
    help: 'Socket.io connections open on this instance',
    registers,
    collect() {
      this.set((app as any).io?.engine?.clientsCount ?? 0)
    }
  })
  return {
    registry,
    socketConnects: new Counter({
      name: 'chat_socket_connects_total',
      help: 'Socket.io connections accepted',
      registers
    }),
    socketDisconnects: new Counter({
      name: 'chat_socket_disconnects_total',
      help: 'Socket.io connections ended',
      registers
    }),
    socketsRefused: new Counter({
      name: 'chat_socket_connections_refused_total',
      help: 'Socket.io connections refused: new ones over the per-address budget, open ones over the per-address or per-person bound',
      registers,
      labelNames: ['reason']
    }),
    slowConsumersDropped: new Counter({
      name: 'chat_socket_slow_consumers_dropped_total',
      help: 'Connections dropped because they could not keep up (they reconnect and fill the gap by seq)',
      registers,
      labelNames: ['reason']
    }),
    packetBudgetCuts: new Counter({
      name: 'chat_socket_packet_budget_cuts_total',
      help: 'Socket.io connections cut for sending more packets than connections.packets_per_10_seconds',
      registers
    })
  }
}

export type Metrics = ReturnType<typeof createMetrics>

const metrics = new WeakMap<Application, Metrics>()

export const metricsOf = (app: Application): Metrics => {
  if (!metrics.has(app)) metrics.set(app, createMetrics(app))
  return metrics.get(app)!
}

export const metricsContentType = new Registry().contentType

export const collectMetrics = (app: Application) => metricsOf(app).registry.metrics()
