import type { Socket } from 'socket.io'
import type { Context } from 'koa'
import type { Middleware } from '@feathersjs/koa'
import type { Application, ServiceParams } from '../declarations'

const lastForwarded = (forwarded: string | string[] | undefined) => {
  const header = Array.isArray(forwarded) ? forwarded.join(',') : forwarded
  // The load balancer appends the address it saw; entries to its left are the client's say-so
  return header ? header.split(',').at(-1)!.trim() || undefined : undefined
}

/** The address a Socket.io connection came from (its load balancer's word with `trust_proxy`). */
export const socketAddress = (socket: Socket, trustProxy: boolean) =>
  connectionAddress(socket.conn, trustProxy)

/** The same for the Engine.IO connection under it, which exists before Socket.io's handshake. */
export const connectionAddress = (connection: Socket['conn'], trustProxy: boolean) =>
  (trustProxy && lastForwarded(connection.request.headers['x-forwarded-for'])) || connection.remoteAddress

/** The address an HTTP request came from (its load balancer's word with `trust_proxy`). */
export const requestAddress = (ctx: Context, trustProxy: boolean) =>
  (trustProxy && lastForwarded(ctx.get('X-Forwarded-For'))) || ctx.req.socket.remoteAddress

/** Hands every REST call the address it came from as `params.address`, as sockets have it. */
export const recordClientAddress =
  (app: Application): Middleware =>
  async (ctx, next) => {
    const address = requestAddress(ctx, app.get('connections').trust_proxy)
    ctx.feathers = { ...ctx.feathers, address } as ServiceParams
    await next()
  }
