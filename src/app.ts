import crypto from 'crypto'
import { feathers } from '@feathersjs/feathers'
import configuration from '@feathersjs/configuration'
import { koa, rest, bodyParser, errorHandler, parseAuthentication } from '@feathersjs/koa'
import socketio from '@feathersjs/socketio'
import type { Application, Configuration } from './declarations'
import { configurationValidator } from './configuration'
import { postgresql } from './database/postgresql'
import { afterTeardown } from './process/teardown'
import { redis } from './redis/redis'
import { attachRedisAdapter } from './socketio/redis-adapter'
import { DomainEvents } from './events'
import { handleErrors } from './hooks/handle-errors'
import { requireOneRecord } from './hooks/require-one-record'
import { boundCallsInFlight } from './hooks/bound-calls-in-flight'
import { limitCallRate } from './hooks/limit-call-rate'
import { recordClientAddress } from './socketio/client-address'
import { releaseHandshakeRequests } from './socketio/release-handshake-request'
import { shareHandshakeStrings } from './socketio/shared-handshake-strings'
import { nameSessionIds } from './socketio/session-id-header'
import { nameConnectionsForTheLog } from './socketio/connection-names'
import { ConnectionLifecycle } from './socketio/connection-lifecycle'
import { trackRequests, trackSocketCalls } from './http/shutdown'
import { logRequests } from './http/access-log'
import { logCalls } from './hooks/log-calls'
import { health } from './http/health'
import { metricsOf } from './metrics/registry'
import { metricsRoute } from './http/metrics-route'
import { installMetrics } from './metrics/index'
import { recordCalls } from './metrics/calls'
import { countSocketDeliveries } from './metrics/deliveries'
import { openApi } from './http/openapi'
import { httpErrors, unreadableBody } from './http/errors'
import { routesWithoutPrototype } from './http/routes'
import { httpCors, socketCors } from './http/cors'
import { webPage } from './http/web-page'
import { httpServer } from './http/server'
import { identity } from './modules/identity'
import { contexts } from './modules/contexts'
import { messaging, liveMessaging } from './modules/messaging'
import { notifications } from './modules/notifications'

export type ConfigurationOverrides = {
  [K in keyof Configuration]?: Configuration[K] extends unknown[] | null
    ? Configuration[K]
    : Configuration[K] extends object
      ? Partial<Configuration[K]>
      : Configuration[K]
}

/**
 * The composition root. Settings come from config/ and the environment; `overrides`
 * let tests and tooling run several differently configured apps in one process.
 */
export function createApp(overrides: ConfigurationOverrides = {}): Application {
  const app: Application = koa(feathers())
  app.configure(configuration(configurationValidator))
  for (const [key, value] of Object.entries(overrides)) {
    app.set(key as keyof Configuration, merged(app.get(key as keyof Configuration), value))
  }
  // Before Socket.io wraps listen(): it sets itself up on the server this one creates
  app.configure(httpServer)
  app.set('events', new DomainEvents())
  app.set('instanceId', crypto.randomUUID())
  app.configure(routesWithoutPrototype)

  app.use(logRequests(app))
  app.use(httpCors(app))
  app.use(trackRequests(app))
  app.use(errorHandler())
  app.use(httpErrors())
  app.configure(health)
  app.configure(metricsRoute)
  app.configure(openApi)
  app.configure(webPage)
  app.use(parseAuthentication())
  app.use(recordClientAddress(app))
  app.use(bodyParser({ jsonLimit: '64kb', onError: unreadableBody }))
  app.configure(rest())
  app.configure(
    socketio({ cors: socketCors(app), maxHttpBufferSize: 64 * 1024 }, (io) => {
      nameSessionIds(io)
      nameConnectionsForTheLog(io)
      shareHandshakeStrings(io)
      releaseHandshakeRequests(io)
      countSocketDeliveries(app, io)
      const relay = attachRedisAdapter(app, io, (dropped) =>
        metricsOf(app).slowConsumersDropped.inc({ reason: 'delivery lag' }, dropped)
      )
      liveMessaging(app, io, { lifecycle: new ConnectionLifecycle(app, io), relay })
    })
  )
  app.configure(postgresql)
  app.configure(installMetrics)
  app.configure(redis)
  app.configure(identity)
  app.configure(contexts)
  app.configure(messaging)
  app.configure(notifications)

  app.hooks({
    // A send spends `limits.messages_per_minute` instead (see the messages service)
    around: {
      all: [
        logCalls(app),
        trackSocketCalls,
        recordCalls(app),
        handleErrors,
        boundCallsInFlight(app),
        limitCallRate(app, ['messages.create'])
      ]
    },
    before: { all: [requireOneRecord] }
  })
  afterTeardown(app, () => app.get('postgresqlClient').destroy())
  return app
}

// An override of a group of settings replaces the keys it names and keeps the others
const merged = (current: any, override: any) =>
  isPlainObject(current) && isPlainObject(override) ? { ...current, ...override } : override

const isPlainObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value)
