import type { Socket } from 'socket.io'
import { MethodNotAllowed } from '@feathersjs/errors'
import { getServiceOptions } from '@feathersjs/feathers'
import { runMethod } from '@feathersjs/transport-commons/lib/socket/utils'
import type { Application } from '../declarations'

const STANDARD_METHODS = ['find', 'get', 'create', 'update', 'patch', 'remove']

type MethodHandler = (this: Socket, path: string, ...args: unknown[]) => void

/**
 * How a connection's method calls reach the services, with one handler per method name
 * shared by every connection (Socket.io calls a listener with its socket as `this`).
 * Feathers gives each connection a closure of its own per method name (eight here), which
 * was about a tenth of what an idle connection holds; they are swapped for the shared
 * ones once Feathers has added them, and a call runs exactly as before (`runMethod` with
 * the connection's params). A standard method that no service offers (such as `update`)
 * gets the same 405 over Socket.io that it gets over REST (Feathers would not listen for
 * it, and the caller would wait for its timeout); so does any other event that asks for
 * an answer (`constructor`, a typo).
 */
export const routeMethodCalls = (app: Application) => {
  const offered: string[] = Object.values(app.services).flatMap(
    (service) => getServiceOptions(service).methods ?? []
  )
  const handlers = new Map<string, MethodHandler>(
    [...new Set([...STANDARD_METHODS, ...offered])].map((method) => [
      method,
      function (this: Socket, path: string, ...args: unknown[]) {
        runMethod(app, (this as any).feathers, path, method, args)
      }
    ])
  )
  const shareHandlers = (socket: Socket) => {
    for (const [method, handler] of handlers) {
      socket.removeAllListeners(method)
      socket.on(method, handler)
    }
  }
  // The events a connection answers are the method names (its other listeners, `error`
  // and `disconnect`, answer no one): one middleware serves every connection, where a
  // closure of each connection's own looked its listeners up
  const answerUnknownCalls = (packet: unknown[], next: (error?: Error) => void) => {
    const [event, ...args] = packet
    const answer = args.at(-1)
    if (typeof answer !== 'function' || handlers.has(event as string)) return next()
    answer(new MethodNotAllowed(`There is no method '${String(event)}'`).toJSON())
  }
  return (socket: Socket) => {
    // Feathers adds its own after this app's connection listeners, in the same emit
    process.nextTick(shareHandlers, socket)
    // A middleware rather than an onAny listener, which Socket.io runs ahead of every
    // middleware: what a middleware refuses is then not answered here either
    socket.use(answerUnknownCalls)
  }
}
