import type { Server } from 'socket.io'
import type { Application } from '../../declarations'
import type { ConnectionLifecycle } from '../../socketio/connection-lifecycle'
import type { RoomRelay } from '../../socketio/room-relay'
import { channel } from './services/channels/channels'
import { participant } from './services/participants/participants'
import { message } from './services/messages/messages'
import { presence } from './services/presence/presence'
import { channelEvent } from './services/channel-events/channel-events'
import { transcript } from './services/transcripts/transcripts'
import { historyCheck } from './services/history-checks/history-checks'
import { checkpoint } from './services/checkpoints/checkpoints'
import { contactFinding } from './services/contact-findings/contact-findings'
import { followContexts } from './services/channels/follow-contexts'
import { ConnectionRooms } from './live/rooms'
import { OnlinePresence } from './live/presence'
import { TypingStates } from './live/typing-states'
import { SocketChannelViews } from './live/views'
import { realtime } from './live/realtime'

/**
 * Messaging on the app's Socket.io connections. At login a connection joins its
 * person's rooms, then signs them on (presence); logout leaves the rooms and signs off;
 * a connection that ends stops typing, then signs off. Typing is registered before
 * presence: ending a connection's typing names its person, whom signing off forgets.
 */
export const liveMessaging = (
  app: Application,
  io: Server,
  { lifecycle, relay }: { lifecycle: ConnectionLifecycle; relay: RoomRelay }
) => {
  const rooms = new ConnectionRooms(app, io)
  const presence = new OnlinePresence(app, io)
  const typing = new TypingStates(app, io)
  app.service('presence').serveViews(new SocketChannelViews(lifecycle.socketOf, typing))
  lifecycle.register('rooms', {
    signedIn: (socket, person) => rooms.join(socket, person),
    signedOut: (socket) => rooms.leave(socket)
  })
  lifecycle.register('typing', {
    disconnected: (socket) => typing.endAll(socket),
    close: () => typing.close()
  })
  lifecycle.register('presence', {
    signedIn: (socket, person) => presence.signOn(socket, person),
    signedOut: (socket) => presence.track(presence.signOff(socket)),
    disconnected: (socket) => presence.track(presence.signOff(socket)),
    close: () => presence.close()
  })
  realtime(app, io, relay, { rooms, typing })
}

export const messaging = (app: Application) => {
  app.configure(channel)
  app.configure(participant)
  app.configure(message)
  app.configure(presence)
  app.configure(channelEvent)
  app.configure(transcript)
  app.configure(historyCheck)
  app.configure(checkpoint)
  app.configure(contactFinding)
  app.configure(followContexts)
}
