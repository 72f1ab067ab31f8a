import { Registry, collectDefaultMetrics, Gauge } from 'prom-client'
import type { Application } from '../declarations'

const registries = new WeakMap<Application, Registry>()

function registryFor(app: Application) {
  let registry = registries.get(app)
  if (!registry) {
    registry = new Registry()
    collectDefaultMetrics({ register: registry })
    new Gauge({
      name: 'chat_socket_connections',
      help: 'Socket.io connections open on this instance',
      registers: [registry],
      collect() {
        this.set((app as any).io?.engine?.clientsCount ?? 0)
      }
    })
    registries.set(app, registry)
  }
  return registry
}

export const metricsContentType = new Registry().contentType

export const collectMetrics = (app: Application) => registryFor(app).metrics()
