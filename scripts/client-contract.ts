import type { TSchema } from '@feathersjs/typebox'
import type { ServiceEvents } from '../src/client'
import {
  accessTokenPayloadSchema,
  authenticationRequestSchema,
  authenticationResultSchema,
  signedInUserSchema
} from '../src/modules/identity/authentication.schema'
import {
  userDataSchema,
  userPatchSchema,
  userQuerySchema,
  userSchema
} from '../src/modules/identity/users/users.schema'
import { userMethods, userPath } from '../src/modules/identity/users/users.shared'
import {
  companyDataSchema,
  companyPatchSchema,
  companyQuerySchema,
  companySchema
} from '../src/modules/identity/companies/companies.schema'
import { companyMethods, companyPath } from '../src/modules/identity/companies/companies.shared'
import {
  companyMemberDataSchema,
  companyMemberPatchSchema,
  companyMemberQuerySchema,
  companyMemberSchema
} from '../src/modules/identity/company-members/company-members.schema'
import {
  companyMemberMethods,
  companyMemberPath
} from '../src/modules/identity/company-members/company-members.shared'
import {
  bookingDataSchema,
  bookingPatchSchema,
  bookingQuerySchema,
  bookingSchema
} from '../src/modules/contexts/bookings/bookings.schema'
import { bookingMethods, bookingPath } from '../src/modules/contexts/bookings/bookings.shared'
import {
  disputeDataSchema,
  disputePatchSchema,
  disputeQuerySchema,
  disputeSchema
} from '../src/modules/contexts/disputes/disputes.schema'
import { disputeMethods, disputePath } from '../src/modules/contexts/disputes/disputes.shared'
import {
  channelDataSchema,
  channelQuerySchema,
  channelSchema,
  channelViewSchema,
  contextSummarySchema,
  lastMessageSchema
} from '../src/modules/messaging/services/channels/channels.schema'
import { channelMethods, channelPath } from '../src/modules/messaging/services/channels/channels.shared'
import {
  participantPatchQuerySchema,
  participantPatchSchema,
  participantQuerySchema,
  participantSchema
} from '../src/modules/messaging/services/participants/participants.schema'
import {
  participantMethods,
  participantPath
} from '../src/modules/messaging/services/participants/participants.shared'
import {
  messageDataSchema,
  messageQuerySchema,
  messageSchema,
  senderSchema
} from '../src/modules/messaging/services/messages/messages.schema'
import { messageMethods, messagePath } from '../src/modules/messaging/services/messages/messages.shared'
import {
  channelRefSchema,
  presenceQuerySchema,
  presenceSchema,
  typingSchema
} from '../src/modules/messaging/services/presence/presence.schema'
import { presenceMethods, presencePath } from '../src/modules/messaging/services/presence/presence.shared'
import {
  channelEventQuerySchema,
  channelEventSchema
} from '../src/modules/messaging/services/channel-events/channel-events.schema'
import {
  channelEventMethods,
  channelEventPath
} from '../src/modules/messaging/services/channel-events/channel-events.shared'
import {
  transcriptQuerySchema,
  transcriptSchema
} from '../src/modules/messaging/services/transcripts/transcripts.schema'
import {
  transcriptMethods,
  transcriptPath
} from '../src/modules/messaging/services/transcripts/transcripts.shared'
import {
  historyCheckQuerySchema,
  historyCheckSchema
} from '../src/modules/messaging/services/history-checks/history-checks.schema'
import {
  historyCheckMethods,
  historyCheckPath
} from '../src/modules/messaging/services/history-checks/history-checks.shared'
import {
  checkpointDataSchema,
  checkpointQuerySchema,
  checkpointSchema
} from '../src/modules/messaging/services/checkpoints/checkpoints.schema'
import {
  checkpointMethods,
  checkpointPath
} from '../src/modules/messaging/services/checkpoints/checkpoints.shared'
import {
  deviceTokenDataSchema,
  deviceTokenQuerySchema,
  deviceTokenSchema
} from '../src/modules/notifications/services/device-tokens/device-tokens.schema'
import {
  deviceTokenMethods,
  deviceTokenPath
} from '../src/modules/notifications/services/device-tokens/device-tokens.shared'
import {
  notificationQuerySchema,
  notificationSchema
} from '../src/modules/notifications/services/notifications/notifications.schema'
import {
  notificationMethods,
  notificationPath
} from '../src/modules/notifications/services/notifications/notifications.shared'

/**
 * What the installable client promises, service by service: the TypeBox schemas that its
 * types are generated from, and each method's signature in those types. The build checks
 * the methods against each service's own list, so a method added to a service without a
 * signature here fails the build instead of shipping untyped.
 */
export interface ServiceContract {
  path: string
  /** The runtime method list the client registers (from the service's .shared.ts) */
  methods: readonly string[]
  /** Type name → schema, emitted as interfaces */
  types: Record<string, TSchema>
  /** Method → its TypeScript signature, in the names above */
  signatures: Record<string, string>
  /** Types the signatures use that are not a schema of their own */
  declarations?: string[]
  /** Event → the type it carries, for the events the server sends to clients */
  events?: Record<string, string>
}

/** Types of no one service: signing in. */
export const sharedTypes: Record<string, TSchema> = {
  AuthenticationRequest: authenticationRequestSchema,
  AccessTokenPayload: accessTokenPayloadSchema,
  SignedInUser: signedInUserSchema,
  AuthenticationResult: authenticationResultSchema
}

/**
 * The events each service sends to clients, by the payload's type name. Typed by the
 * client's own ServiceEvents, so that an event added there (or dropped) without its entry
 * here fails the type check instead of shipping untyped.
 */
const events: { [P in keyof ServiceEvents]: Record<keyof ServiceEvents[P], string> } = {
  messages: { created: 'Message', removed: 'Message' },
  participants: { created: 'Participant', patched: 'Participant', removed: 'Participant' },
  channels: { created: 'ChannelView', patched: 'Channel' },
  presence: { patched: 'Presence', typing: 'TypingEvent' }
}

const find = (result: string, query: string) =>
  `find(params?: Params<${query}>): Promise<Paginated<${result}>>`
const get = (result: string, query: string) => `get(id: Id, params?: Params<${query}>): Promise<${result}>`
const create = (result: string, data: string) => `create(data: ${data}, params?: Params): Promise<${result}>`
const patch = (result: string, data: string, query: string) =>
  `patch(id: Id, data: ${data}, params?: Params<${query}>): Promise<${result}>`
const remove = (result: string, query: string) =>
  `remove(id: Id, params?: Params<${query}>): Promise<${result}>`

/** The four-schema services: find, get, create, patch, remove as their method lists say. */
const standard = (
  path: string,
  methods: readonly string[],
  name: string,
  schemas: { result: TSchema; data?: TSchema; patch?: TSchema; query: TSchema }
): ServiceContract => {
  const types: Record<string, TSchema> = { [name]: schemas.result, [`${name}Query`]: schemas.query }
  if (schemas.data) types[`${name}Data`] = schemas.data
  if (schemas.patch) types[`${name}Patch`] = schemas.patch
  const all: Record<string, string> = {
    find: find(name, `${name}Query`),
    get: get(name, `${name}Query`),
    create: create(name, `${name}Data`),
    patch: patch(name, `${name}Patch`, `${name}Query`),
    remove: remove(name, `${name}Query`)
  }
  return {
    path,
    methods,
    types,
    signatures: Object.fromEntries(methods.map((method) => [method, all[method]]))
  }
}

const services: ServiceContract[] = [
  standard(userPath, userMethods, 'User', {
    result: userSchema,
    data: userDataSchema,
    patch: userPatchSchema,
    query: userQuerySchema
  }),
  standard(companyPath, companyMethods, 'Company', {
    result: companySchema,
    data: companyDataSchema,
    patch: companyPatchSchema,
    query: companyQuerySchema
  }),
  standard(companyMemberPath, companyMemberMethods, 'CompanyMember', {
    result: companyMemberSchema,
    data: companyMemberDataSchema,
    patch: companyMemberPatchSchema,
    query: companyMemberQuerySchema
  }),
  standard(bookingPath, bookingMethods, 'Booking', {
    result: bookingSchema,
    data: bookingDataSchema,
    patch: bookingPatchSchema,
    query: bookingQuerySchema
  }),
  standard(disputePath, disputeMethods, 'Dispute', {
    result: disputeSchema,
    data: disputeDataSchema,
    patch: disputePatchSchema,
    query: disputeQuerySchema
  }),
  {
    path: channelPath,
    methods: channelMethods,
    types: {
      Channel: channelSchema,
      ChannelView: channelViewSchema,
      ContextSummary: contextSummarySchema,
      LastMessage: lastMessageSchema,
      ChannelData: channelDataSchema,
      ChannelQuery: channelQuerySchema
    },
    declarations: ['export type ChannelPage = Paginated<ChannelView> & { total_unread: number }'],
    signatures: {
      find: 'find(params?: Params<ChannelQuery>): Promise<ChannelPage>',
      get: get('ChannelView', 'ChannelQuery'),
      create: create('Channel', 'ChannelData')
    }
  },
  {
    path: participantPath,
    methods: participantMethods,
    types: {
      Participant: participantSchema,
      ParticipantPatch: participantPatchSchema,
      ParticipantQuery: participantQuerySchema,
      ParticipantPatchQuery: participantPatchQuerySchema
    },
    signatures: {
      find: find('Participant', 'ParticipantQuery'),
      get: get('Participant', 'ParticipantQuery'),
      // Without an id, query.channel_id names the caller's own row: marking a channel read
      patch:
        'patch(id: Id | null, data: ParticipantPatch, params?: Params<ParticipantPatchQuery>): Promise<Participant>'
    }
  },
  {
    ...standard(messagePath, messageMethods, 'Message', {
      result: messageSchema,
      data: messageDataSchema,
      query: messageQuerySchema
    }),
    types: {
      Message: messageSchema,
      Sender: senderSchema,
      MessageData: messageDataSchema,
      MessageQuery: messageQuerySchema
    }
  },
  {
    path: presencePath,
    methods: presenceMethods,
    types: {
      Presence: presenceSchema,
      PresenceQuery: presenceQuerySchema,
      ChannelRef: channelRefSchema,
      Typing: typingSchema
    },
    // What the channel's viewers hear: who is typing there
    declarations: ['export type TypingEvent = Typing & { user_id: Id }'],
    signatures: {
      find: find('Presence', 'PresenceQuery'),
      view: 'view(data: ChannelRef, params?: Params): Promise<{ channel_id: Id; viewing: true }>',
      leave: 'leave(data: ChannelRef, params?: Params): Promise<{ channel_id: Id; viewing: false }>',
      typing: 'typing(data: Typing, params?: Params): Promise<Typing>'
    }
  },
  standard(channelEventPath, channelEventMethods, 'ChannelEvent', {
    result: channelEventSchema,
    query: channelEventQuerySchema
  }),
  standard(transcriptPath, transcriptMethods, 'Transcript', {
    result: transcriptSchema,
    query: transcriptQuerySchema
  }),
  standard(historyCheckPath, historyCheckMethods, 'HistoryCheck', {
    result: historyCheckSchema,
    query: historyCheckQuerySchema
  }),
  standard(checkpointPath, checkpointMethods, 'Checkpoint', {
    result: checkpointSchema,
    data: checkpointDataSchema,
    query: checkpointQuerySchema
  }),
  standard(deviceTokenPath, deviceTokenMethods, 'DeviceToken', {
    result: deviceTokenSchema,
    data: deviceTokenDataSchema,
    query: deviceTokenQuerySchema
  }),
  standard(notificationPath, notificationMethods, 'Notification', {
    result: notificationSchema,
    query: notificationQuerySchema
  })
]

export const contract: ServiceContract[] = services.map((service) => ({
  ...service,
  events: events[service.path as keyof ServiceEvents]
}))
