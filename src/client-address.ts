import type { Server, Socket } from 'socket.io'
import type { Middleware } from '@feathersjs/koa'
import type { Application } from './declarations'

/** The address a Socket.io connection comes from. */
export const socketAddress = (socket: Socket, trustProxy: boolean) => {
  const forwarded = socket.handshake.headers['x-forwarded-for']
  // The load balancer appends the address it saw; entries to its left are the client's say-so
  if (trustProxy && typeof forwarded === 'string') return forwarded.split(',').at(-1)!.trim()
  return socket.handshake.address
}

/**
 * Hands service calls the caller's address as `params.address` (logins are throttled
 * by it), over REST and Socket.io alike, with the same trust in X-Forwarded-For.
 */
export const requestAddress = (app: Application): Middleware => {
  app.proxy = app.get('connections').trust_proxy
  // Koa then reads only the last entry, the one the load balancer itself appended
  app.maxIpsCount = 1
  return async (ctx, next) => {
    ctx.feathers = { ...ctx.feathers, address: ctx.ip } as typeof ctx.feathers
    await next()
  }
}

export const connectionAddress = (app: Application, io: Server) => {
  const { trust_proxy } = app.get('connections')
  io.use((socket, next) => {
    ;(socket as any).feathers.address = socketAddress(socket, trust_proxy)
    next()
  })
}
