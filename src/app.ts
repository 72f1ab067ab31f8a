import crypto from 'crypto'
import { feathers } from '@feathersjs/feathers'
import configuration from '@feathersjs/configuration'
import { koa, rest, bodyParser, errorHandler, parseAuthentication } from '@feathersjs/koa'
import socketio from '@feathersjs/socketio'
import type { Application, Configuration } from './declarations'
import { configurationValidator } from './configuration'
import { postgresql } from './postgresql'
import { afterTeardown } from './lifecycle'
import { attachRedisAdapter, redis } from './redis'
import { guardConnections } from './connection-limits'
import { DomainEvents } from './events'
import { handleErrors } from './hooks/handle-errors'
import { trackRequests, trackSocketCalls } from './shutdown'
import { answerMethodsNoServiceOffers } from './socketio-methods'
import { health } from './http/health'
import { httpErrors } from './http/errors'
import { httpCors, socketCors } from './http/cors'
import { webPage } from './http/web-page'
import { identity } from './modules/identity'
import { contexts } from './modules/contexts'
import { messaging, realtime } from './modules/messaging'
import { notifications } from './modules/notifications'

export type ConfigurationOverrides = Partial<{ [K in keyof Configuration]: Configuration[K] }>

/**
 * The composition root. Settings come from config/ and the environment; `overrides`
 * let tests and tooling run several differently configured apps in one process.
 */
export function createApp(overrides: ConfigurationOverrides = {}): Application {
  const app: Application = koa(feathers())
  app.configure(configuration(configurationValidator))
  for (const [key, value] of Object.entries(overrides)) app.set(key as keyof Configuration, value as any)
  app.set('events', new DomainEvents())
  app.set('instanceId', crypto.randomUUID())

  app.use(httpCors(app))
  app.use(trackRequests(app))
  app.use(errorHandler())
  app.use(httpErrors())
  app.configure(health)
  app.configure(webPage)
  app.use(parseAuthentication())
  app.use(bodyParser({ jsonLimit: '64kb' }))
  app.configure(rest())
  app.configure(
    socketio({ cors: socketCors(app), maxHttpBufferSize: 64 * 1024 }, (io) => {
      attachRedisAdapter(app, io)
      guardConnections(app, io)
      realtime(app, io)
      answerMethodsNoServiceOffers(app, io)
    })
  )
  app.configure(postgresql)
  app.configure(redis)
  app.configure(identity)
  app.configure(contexts)
  app.configure(messaging)
  app.configure(notifications)

  app.hooks({ around: { all: [trackSocketCalls, handleErrors] } })
  afterTeardown(app, () => app.get('postgresqlClient').destroy())
  return app
}
