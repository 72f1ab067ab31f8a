import { feathers } from '@feathersjs/feathers'
import type { TransportConnection } from '@feathersjs/feathers'
import authenticationClient, { getDefaultStorage } from '@feathersjs/authentication-client'
import type { AuthenticationClientOptions } from '@feathersjs/authentication-client'
import socketioClient from '@feathersjs/socketio-client'
import restClient from '@feathersjs/rest-client'
import type { Socket } from 'socket.io-client'
import { ReconnectingAuthentication } from './reconnecting-authentication'
import type { ClientApplication, FeathersClient } from './client-types'
import { userClient } from './modules/identity/users/users.shared'
import { companyClient } from './modules/identity/companies/companies.shared'
import { companyMemberClient } from './modules/identity/company-members/company-members.shared'
import { bookingClient } from './modules/contexts/bookings/bookings.shared'
import { disputeClient } from './modules/contexts/disputes/disputes.shared'
import { channelClient } from './modules/messaging/services/channels/channels.shared'
import { participantClient } from './modules/messaging/services/participants/participants.shared'
import { messageClient } from './modules/messaging/services/messages/messages.shared'
import { presenceClient } from './modules/messaging/services/presence/presence.shared'
import { channelEventClient } from './modules/messaging/services/channel-events/channel-events.shared'
import { transcriptClient } from './modules/messaging/services/transcripts/transcripts.shared'
import { historyCheckClient } from './modules/messaging/services/history-checks/history-checks.shared'
import { checkpointClient } from './modules/messaging/services/checkpoints/checkpoints.shared'
import { contactFindingClient } from './modules/messaging/services/contact-findings/contact-findings.shared'
import { deviceTokenClient } from './modules/notifications/services/device-tokens/device-tokens.shared'
import { notificationClient } from './modules/notifications/services/notifications/notifications.shared'
import { phoneConfirmationClient } from './modules/identity/phone-confirmations/phone-confirmations.shared'

export type * from './modules/identity/users/users.shared'
export type * from './modules/identity/companies/companies.shared'
export type * from './modules/identity/company-members/company-members.shared'
export type * from './modules/contexts/bookings/bookings.shared'
export type * from './modules/contexts/disputes/disputes.shared'
export type * from './modules/messaging/services/channels/channels.shared'
export type * from './modules/messaging/services/participants/participants.shared'
export type * from './modules/messaging/services/messages/messages.shared'
export type * from './modules/messaging/services/presence/presence.shared'
export type * from './modules/messaging/services/channel-events/channel-events.shared'
export type * from './modules/messaging/services/transcripts/transcripts.shared'
export type * from './modules/messaging/services/history-checks/history-checks.shared'
export type * from './modules/messaging/services/contact-findings/contact-findings.shared'
export type * from './modules/notifications/services/device-tokens/device-tokens.shared'
export type * from './modules/notifications/services/notifications/notifications.shared'
export type * from './modules/identity/phone-confirmations/phone-confirmations.shared'
export type * from './modules/identity/authentication.schema'
export type * from './client-types'

export interface Configuration {
  connection: TransportConnection<ServiceTypes>
}

// Each service's .shared.ts adds itself here
export interface ServiceTypes {}

// What each service's events carry to a client (event name → payload); each .shared.ts adds
// the events the server sends for it. A service without an entry sends none.
export interface ServiceEvents {}

/**
 * The transports, typed for this service and re-exported so that an app needs nothing but
 * this package: imported from an ES module under `moduleResolution: node16`, Feathers'
 * own CommonJS default exports do not type as callable.
 */
export const socketio = (socket: Socket, options?: { timeout?: number }) =>
  socketioClient<ServiceTypes>(socket, options)
export const rest = (base?: string) => restClient<ServiceTypes>(base)
export { io } from 'socket.io-client'
export { openChannelStream } from './channel-stream'
export type { ChannelStream, ChannelStreamOptions } from './channel-stream'
export { HistoryRewrittenError, heldHead } from './channel-heads'
export type { SeenHead } from './channel-heads'

/** The typed client for apps: pass `socketio(io(url))` or `rest(url).fetch(fetch)`. */
export const createClient = (
  connection: TransportConnection<ServiceTypes>,
  authenticationOptions: Partial<AuthenticationClientOptions> = {}
) => {
  const app: FeathersClient = feathers()
  app.configure(connection)
  // Feathers' default storage is one MemoryStorage per process outside a browser: two clients
  // in one process (a bot, an integration, a test) would share one token, and a client
  // reconnecting would sign in again as whoever signed in last. Each client gets its own
  // (in a browser, getDefaultStorage wraps the origin's localStorage as Feathers does).
  app.configure(
    authenticationClient({
      Authentication: ReconnectingAuthentication,
      storage: getDefaultStorage(),
      ...authenticationOptions
    })
  )
  app.set('connection', connection)
  // The same object, seen through the typed interface (Feathers' own types cannot be narrowed)
  const client = app as unknown as ClientApplication

  client.configure(userClient)
  client.configure(companyClient)
  client.configure(companyMemberClient)
  client.configure(bookingClient)
  client.configure(disputeClient)
  client.configure(channelClient)
  client.configure(participantClient)
  client.configure(messageClient)
  client.configure(presenceClient)
  client.configure(channelEventClient)
  client.configure(transcriptClient)
  client.configure(historyCheckClient)
  client.configure(checkpointClient)
  client.configure(contactFindingClient)
  client.configure(deviceTokenClient)
  client.configure(notificationClient)
  client.configure(phoneConfirmationClient)
  return client
}
