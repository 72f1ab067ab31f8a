import type { Server, Socket } from 'socket.io'
import type { RealTimeConnection } from '@feathersjs/feathers'
import type { Application, HookContext } from '../../../declarations'
import type { DomainEventMap, Id } from '../../../events'
import { logger } from '../../../operations/logger'
import type { User } from '../../identity/users/users.schema'
import { tombstoneOf } from '../services/messages/messages.schema'
import type { Message } from '../services/messages/messages.schema'
import type { Participant } from '../services/participants/participants.schema'
import { ADMINS, channelRoom, socketOf, userRoom, viewRoom } from './connections'
import { presenceGatewayOf } from './presence'
import { createMembershipVersion } from './membership-version'


const MAX_JOIN_READS = 5

/**
 * Publishes service events through Socket.io rooms instead of Feathers' per-connection
 * channels: a room broadcast encodes each event once, and with a cluster adapter it
 * reaches every instance. A connection sits in one room per channel its user is in,
 * plus one room for the user, through which participant changes move all of that
 * user's connections at once.
 */
export const realtime = (app: Application, io: Server) => {
  const membershipVersion = createMembershipVersion(app)

  async function joinRooms(socket: Socket, user: User) {
    leaveRooms(socket)
    await socket.join(userRoom(user.id))
    if (user.role === 'admin') await socket.join(ADMINS)
    for (let attempt = 1; ; attempt++) {
      const version = await membershipVersion.current()
      const rows: { channel_id: Id }[] = await app
        .get('postgresqlClient')('chat_participants')
        .where({ user_id: user.id })
        .whereNull('removed_at')
        .select('channel_id')
      if (!socket.connected) return
      // Under constant churn the last read stands; the next change moves the sockets anyway
      if (version !== (await membershipVersion.current()) && attempt < MAX_JOIN_READS) continue
      const rooms = new Set(rows.map((row) => channelRoom(row.channel_id)))
      for (const room of socket.rooms) {
        if (room.startsWith('channel:') && !rooms.has(room)) socket.leave(room)
      }
      await socket.join([...rooms])
      return
    }
  }

  function leaveRooms(socket: Socket) {
    for (const room of [...socket.rooms]) if (room !== socket.id) socket.leave(room)
  }

  presenceGatewayOf(app).attach(io)
  io.on('connection', (socket) => {
    const connection = (socket as any).feathers as RealTimeConnection
    // Authenticated by a header during the handshake, before this handler existed
    if (connection.user) joinRooms(socket, connection.user).catch(logJoinError)
  })

  // Rooms are joined before the login answer leaves, so the first event after it arrives
  app.service('authentication').hooks({
    after: {
      create: [
        async (context: HookContext) => {
          const socket = socketOf(context.params.connection)
          if (socket && context.result?.user) await joinRooms(socket, context.result.user)
        }
      ]
    }
  })
  app.on('logout', (_authResult: any, { connection }: any) => {
    const socket = socketOf(connection)
    if (socket) leaveRooms(socket)
  })

  app.service('messages').on('created', (message: Message) => {
    io.to(channelRoom(message.channel_id)).emit('messages created', message)
  })
  app.service('messages').on('removed', async (message: Message) => {
    const room = channelRoom(message.channel_id)
    io.to(room).except(ADMINS).emit('messages removed', tombstoneOf(message))
    const admins = (await io.in(room).fetchSockets()).filter((socket) => socket.rooms.has(ADMINS))
    admins.forEach((socket) => socket.emit('messages removed', message))
  })
  app.service('participants').on('patched', (participant: Participant) => {
    io.to(channelRoom(participant.channel_id)).emit('participants patched', participant)
  })

  app.get('events').on('chat.participants.changed', (changes) => publishParticipantChanges(changes))
  // A new password ends the user's connections wherever they are (through the adapter)
  app.get('events').on('identity.user.sessions.ended', ({ user_id }) => io.in(userRoom(user_id)).disconnectSockets(true))

  // The admins room carries deleted messages' content: it follows a role change at once
  app.service('users').on('patched', (user: User) => {
    const connections = io.in(userRoom(user.id))
    // A disabled account's connections end wherever they are (its history stays)
    if (user.disabled_at) return connections.disconnectSockets(true)
    if (user.role === 'admin') connections.socketsJoin(ADMINS)
    else connections.socketsLeave(ADMINS)
  })

  async function publishParticipantChanges({ channel, added, removed, updated, status_changed }: DomainEventMap['chat.participants.changed']) {
    const room = channelRoom(channel.id)
    if (added.length || removed.length) await membershipVersion.bump()
    for (const participant of added) {
      io.in(userRoom(participant.user_id)).socketsJoin(room)
      const view = await app.service('channels').get(channel.id, { user: { id: participant.user_id } as User })
      io.to(userRoom(participant.user_id)).emit('channels created', view)
    }
    added.forEach((participant) => io.to(room).emit('participants created', participant))
    updated.forEach((participant) => io.to(room).emit('participants patched', participant))
    for (const participant of removed) {
      io.to(room).emit('participants removed', participant)
      io.in(userRoom(participant.user_id)).socketsLeave([room, viewRoom(channel.id)])
    }
    if (status_changed) io.to(room).emit('channels patched', channel)
  }
}

const logJoinError = (error: any) => logger.error('could not restore a connection’s rooms', { error: error?.message })
