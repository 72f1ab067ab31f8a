import type { Server } from 'socket.io'
import type { Message } from '../services/messages/messages.schema'
import { asMasked, asSent } from '../contact-guard/mask-hooks'
import { ADMINS, channelRoom } from './rooms'

/**
 * Emits a new message to this instance's connections in its channel. A message the
 * contact guard masks goes out masked to participants and as sent to the admins among
 * them; both emits are synchronous, so the channel's seq order holds for both.
 */
export const publishCreated = (io: Server) => (message: Message) => {
  const room = channelRoom(message.channel_id)
  if (message.masked_content === undefined) return void io.local.to(room).emit('messages created', message)
  io.local.to(room).except(ADMINS).emit('messages created', asMasked(message))
  const rooms = io.of('/').adapter.rooms
  const admins = rooms.get(ADMINS)
  const adminsHere = [...(rooms.get(room) ?? [])].filter((socketId) => admins?.has(socketId))
  if (adminsHere.length) io.local.to(adminsHere).emit('messages created', asSent(message))
}
