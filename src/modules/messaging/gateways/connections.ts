import type { Server, Socket } from 'socket.io'
import type { RealTimeConnection } from '@feathersjs/feathers'

// Feathers hands services the connection (socket.feathers); room work needs its socket
const sockets = new WeakMap<RealTimeConnection, Socket>()

export const trackSockets = (io: Server) =>
  io.on('connection', (socket) => sockets.set((socket as any).feathers, socket))

export const socketOf = (connection: RealTimeConnection | undefined) => (connection ? sockets.get(connection) : undefined)

export const channelRoom = (channelId: number) => `channel:${channelId}`
export const viewRoom = (channelId: number) => `view:${channelId}`
export const userRoom = (userId: number) => `user:${userId}`
export const ADMINS = 'admins'
