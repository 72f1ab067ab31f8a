import type { Server } from 'socket.io'
import type { Application } from '../../../declarations'
import type { RoomRelay } from '../../../socketio/room-relay'
import type { DomainEventMap } from '../../../events'
import type { User } from '../../identity/users/users.schema'
import { tombstoneOf } from '../services/messages/messages.schema'
import type { Message } from '../services/messages/messages.schema'
import type { Participant } from '../services/participants/participants.schema'
import type { ConnectionRooms } from './rooms'
import type { TypingStates } from './typing-states'
import { ADMINS, channelRoom, userRoom } from './rooms'
import { seqOrderedPublisher } from './seq-order'
import { withoutMuted } from '../hooks/hide-others-muted'
import { asSent } from '../contact-guard/mask-hooks'

/**
 * Publishes service events through Socket.io rooms instead of Feathers' per-connection
 * channels: a room broadcast encodes each event once, and with a cluster adapter it
 * reaches every instance. The connections' rooms are joined at login (see the module's
 * index); here they hear what happened and follow participant changes.
 */
export const realtime = (
  app: Application,
  io: Server,
  relay: RoomRelay,
  { rooms, typing }: { rooms: ConnectionRooms; typing: TypingStates }
) => {
  const publishInSeqOrder = seqOrderedPublisher(app, io, relay)
  app.service('messages').on('created', (message: Message) => {
    typing.endForMessage(message.sender_id, message.channel_id)
    publishInSeqOrder(message)
  })
  app.service('messages').on('removed', async (message: Message) => {
    const room = channelRoom(message.channel_id)
    io.to(room).except(ADMINS).emit('messages removed', tombstoneOf(message))
    const admins = (await io.in(room).fetchSockets()).filter((socket) => socket.rooms.has(ADMINS))
    admins.forEach((socket) => socket.emit('messages removed', asSent(message)))
  })
  app
    .service('participants')
    .on('patched', (participant: Participant) => publishParticipant('participants patched', participant))
  /** The others in the channel hear a participant without its `muted`; its owner with it. */
  function publishParticipant(event: string, participant: Participant | undefined) {
    if (!participant) return
    const owner = userRoom(participant.user_id)
    io.to(channelRoom(participant.channel_id)).except(owner).emit(event, withoutMuted(participant))
    io.to(owner).emit(event, participant)
  }

  const events = app.get('events')
  events.on('chat.participants.changed', (changes) => publishParticipantChanges(changes))
  // A new password ends the user's connections wherever they are (through the adapter)
  events.on('identity.user.sessions.ended', ({ user_id }) => io.in(userRoom(user_id)).disconnectSockets(true))
  events.on('identity.user.changed', (change) => rooms.followUser(change))

  /** Joiners first hear their channel, leavers last hear their own removal. */
  async function publishParticipantChanges(changes: DomainEventMap['chat.participants.changed']) {
    const { channel_id, added, removed, updated, status_changed } = changes
    const room = channelRoom(channel_id)
    const rows = await app
      .service('participants')
      .rowsOf([...added, ...removed, ...updated].map((ref) => ref.participant_id))
    if (added.length || removed.length) await rooms.membershipChanging()
    for (const { user_id } of added) {
      rooms.addUser(user_id, channel_id)
      const view = await app.service('channels').get(channel_id, { user: { id: user_id } as User })
      io.to(userRoom(user_id)).emit('channels created', view)
    }
    added.forEach((ref) => publishParticipant('participants created', rows.get(ref.participant_id)))
    updated.forEach((ref) => publishParticipant('participants patched', rows.get(ref.participant_id)))
    for (const ref of removed) {
      publishParticipant('participants removed', rows.get(ref.participant_id))
      rooms.removeUser(ref.user_id, channel_id)
    }
    if (status_changed) io.to(room).emit('channels patched', await app.service('channels').row(channel_id))
  }
}
