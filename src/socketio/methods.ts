import type { Socket } from 'socket.io'
import { MethodNotAllowed } from '@feathersjs/errors'
import { getServiceOptions } from '@feathersjs/feathers'
import { runMethod } from '@feathersjs/transport-commons/lib/socket/utils'
import type { Application } from '../declarations'
import { fitArrayToSize } from './fit-to-size'

const STANDARD_METHODS = ['find', 'get', 'create', 'update', 'patch', 'remove']

/**
 * How a connection's method calls reach the services, with one listener for every call
 * of every connection (Socket.io calls a catch-all listener with its socket as `this`).
 * Feathers gives each connection a closure of its own per method name (eight here), and
 * each connection's listener table then holds eight more entries: they are taken off
 * once Feathers has added them, and a call runs exactly as before (`runMethod` with the
 * connection's params). A standard method that no service offers (such as `update`)
 * gets the same 405 over Socket.io that it gets over REST (Feathers would not listen for
 * it, and the caller would wait for its timeout); so does any other event that asks for
 * an answer (`constructor`, a typo).
 */
export const routeMethodCalls = (app: Application) => {
  const offered: string[] = Object.values(app.services).flatMap(
    (service) => getServiceOptions(service).methods ?? []
  )
  const methods = new Set([...STANDARD_METHODS, ...offered])
  // Socket.io runs catch-all listeners ahead of packet middlewares (`socket.use`), so no
  // such middleware can hold a call back: a guard on what connections send belongs at
  // the engine, as the packet budget is (./packet-budget.ts)
  const routeCall = function (this: Socket, event: string, path: unknown, ...args: unknown[]) {
    if (methods.has(event)) runMethod(app, (this as any).feathers, path as string, event, args)
  }
  const dropFeathersHandlers = (socket: Socket) => {
    // A listener table is a hash table that deleting its entries does not shrink: the
    // connection's other listeners move to a new one, sized for them alone
    const kept = socket
      .eventNames()
      .filter((event) => !methods.has(event as string))
      .map((event) => [event, socket.rawListeners(event as string)] as const)
    socket.removeAllListeners()
    for (const [event, listeners] of kept)
      for (const listener of listeners) socket.on(event as string, listener as () => void)
  }
  // The events a connection answers are the method names (its other listeners, `error`
  // and `disconnect`, answer no one): one middleware serves every connection, where a
  // closure of each connection's own looked its listeners up
  const answerUnknownCalls = (packet: unknown[], next: (error?: Error) => void) => {
    const [event, ...args] = packet
    const answer = args.at(-1)
    if (typeof answer !== 'function' || methods.has(event as string)) return next()
    answer(new MethodNotAllowed(`There is no method '${String(event)}'`).toJSON())
  }
  return (socket: Socket) => {
    // Feathers adds its own after this app's connection listeners, in the same emit
    process.nextTick(dropFeathersHandlers, socket)
    socket.onAny(routeCall)
    // A middleware rather than an onAny listener, which Socket.io runs ahead of every
    // middleware: what a middleware refuses is then not answered here either
    socket.use(answerUnknownCalls)
    // Each held one function in room for 17 for the connection's life (./fit-to-size.ts)
    fitArrayToSize(socket, '_anyListeners')
    fitArrayToSize(socket, 'fns')
  }
}
