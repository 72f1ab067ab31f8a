import type { Socket } from 'socket.io'
import { MethodNotAllowed } from '@feathersjs/errors'
import { getServiceOptions } from '@feathersjs/feathers'
import { runMethod } from '@feathersjs/transport-commons/lib/socket/utils'
import type { Application } from '../declarations'

const STANDARD_METHODS = ['find', 'get', 'create', 'update', 'patch', 'remove']

/**
 * Feathers only listens for a Socket.io method that some service offers, so a call of
 * a method no service has (such as `update`) would never be answered. It gets the same
 * 405 over Socket.io that it gets over REST; so does any other event that asks for an
 * answer (`constructor`, a typo), instead of leaving the caller waiting for its timeout.
 */
export const answerMethodsNoServiceOffers = (app: Application) => {
  const offered = new Set(
    Object.values(app.services).flatMap((service) => getServiceOptions(service).methods)
  )
  const missing = STANDARD_METHODS.filter((method) => !offered.has(method))
  return (socket: Socket) => {
    for (const method of missing) {
      socket.on(method, (path: string, ...args: unknown[]) =>
        runMethod(app, (socket as any).feathers, path, method, args)
      )
    }
    // A middleware rather than an onAny listener, which Socket.io runs ahead of every
    // middleware: what a middleware refuses is then not answered here either
    socket.use((packet, next) => {
      const [event, ...args] = packet
      const answer = args.at(-1)
      if (typeof answer !== 'function' || socket.listeners(event).length > 0) return next()
      answer(new MethodNotAllowed(`There is no method '${String(event)}'`).toJSON())
    })
  }
}
