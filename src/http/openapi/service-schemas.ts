import { Type } from '@feathersjs/typebox'
import type { TSchema } from '@feathersjs/typebox'
import {
  userDataSchema,
  userPatchSchema,
  userQuerySchema,
  userSchema
} from '../../modules/identity/users/users.schema'
import {
  phoneConfirmationDataSchema,
  phoneConfirmationSchema
} from '../../modules/identity/phone-confirmations/phone-confirmations.schema'
import {
  companyDataSchema,
  companyPatchSchema,
  companyQuerySchema,
  companySchema
} from '../../modules/identity/companies/companies.schema'
import {
  companyMemberDataSchema,
  companyMemberPatchSchema,
  companyMemberQuerySchema,
  companyMemberSchema
} from '../../modules/identity/company-members/company-members.schema'
import {
  bookingDataSchema,
  bookingPatchSchema,
  bookingQuerySchema,
  bookingSchema
} from '../../modules/contexts/bookings/bookings.schema'
import {
  disputeDataSchema,
  disputePatchSchema,
  disputeQuerySchema,
  disputeSchema
} from '../../modules/contexts/disputes/disputes.schema'
import {
  channelDataSchema,
  channelQuerySchema,
  channelSchema,
  channelViewSchema
} from '../../modules/messaging/services/channels/channels.schema'
import {
  participantPatchQuerySchema,
  participantPatchSchema,
  participantQuerySchema,
  participantSchema
} from '../../modules/messaging/services/participants/participants.schema'
import {
  MAX_CONTENT_LENGTH,
  messageDataSchema,
  messageQuerySchema,
  messageSchema
} from '../../modules/messaging/services/messages/messages.schema'
import { searchPageProperties } from '../../modules/messaging/services/messages/search.schema'
import {
  presenceQuerySchema,
  presenceSchema
} from '../../modules/messaging/services/presence/presence.schema'
import {
  channelEventQuerySchema,
  channelEventSchema
} from '../../modules/messaging/services/channel-events/channel-events.schema'
import {
  transcriptQuerySchema,
  transcriptSchema
} from '../../modules/messaging/services/transcripts/transcripts.schema'
import {
  historyCheckQuerySchema,
  historyCheckSchema
} from '../../modules/messaging/services/history-checks/history-checks.schema'
import {
  checkpointDataSchema,
  checkpointQuerySchema,
  checkpointSchema
} from '../../modules/messaging/services/checkpoints/checkpoints.schema'
import {
  contactFindingPatchSchema,
  contactFindingQuerySchema,
  contactFindingSchema
} from '../../modules/messaging/services/contact-findings/contact-findings.schema'
import {
  deviceTokenDataSchema,
  deviceTokenQuerySchema,
  deviceTokenSchema
} from '../../modules/notifications/services/device-tokens/device-tokens.schema'
import {
  notificationQuerySchema,
  notificationSchema
} from '../../modules/notifications/services/notifications/notifications.schema'

export interface ServiceSchemas {
  description: string
  result: TSchema
  data?: TSchema
  patch?: TSchema
  query?: TSchema
  /** query of a patch without an id */
  patchQuery?: TSchema
  /** fields `find` adds next to `total`, `limit`, `skip`, `data` */
  pageTotals?: Record<string, TSchema>
  /** a page's fields in this service's own words, or fields only some of its pages have (optional ones) */
  pageFields?: Record<string, TSchema>
  /** `find` reads the channel `channel_id` names, when it names one: an admin naming none that exists gets 404 */
  findNamesChannel?: boolean
  /** what `{id}` names, when it is not the result's own `id` */
  idParameter?: TSchema
  /** the shapes a create body takes when its fields come in alternatives: documented as `oneOf` */
  dataForms?: DataForm[]
  /** `find` reads one page by its query's own `$limit` (its size, its bounds) and has no `$skip` */
  ownPaging?: boolean
  /** documented limits stricter than the schema's, where a later rule is the real one */
  documentedLimits?: Record<string, Record<string, unknown>>
}

/** One shape of a body: which of the data schema's fields it has, and which it needs. */
export interface DataForm {
  name: string
  title: string
  fields: string[]
  required: string[]
}

const integer = Type.Integer({ minimum: 0, description: 'Unread messages across every matching channel' })

// Others see a directory entry: the external resolver leaves contact details and the password out
const { password: _password, ...userFields } = userSchema.properties
const directoryOnly = new Set([
  'email',
  'phone',
  'phone_confirmed_at',
  'quiet_hours_start',
  'quiet_hours_end',
  'created_at',
  'disabled_at',
  'token_version'
])
const userResultSchema = Type.Object(
  Object.fromEntries(
    Object.entries(userFields).map(([name, schema]) => [
      name,
      directoryOnly.has(name) ? Type.Optional(schema) : schema
    ])
  ),
  { $id: 'User', additionalProperties: false }
)

/** Each REST service's schemas, the same ones that validate its calls and type the client. */
export const serviceSchemas: Record<string, ServiceSchemas> = {
  users: {
    description:
      'People. Admins create and edit anyone; people edit their own profile and see others’ id, name, role and timezone.',
    result: userResultSchema,
    data: userDataSchema,
    patch: userPatchSchema,
    query: userQuerySchema
  },
  'phone-confirmations': {
    description:
      'Confirms one’s own phone number with the six-digit code sent to it by SMS when one set it; SMS go to confirmed numbers only.',
    result: phoneConfirmationSchema,
    data: phoneConfirmationDataSchema
  },
  companies: {
    description: 'Admins and internal calls only.',
    result: companySchema,
    data: companyDataSchema,
    patch: companyPatchSchema,
    query: companyQuerySchema
  },
  'company-members': {
    description: 'Admins and internal calls only.',
    result: companyMemberSchema,
    data: companyMemberDataSchema,
    patch: companyMemberPatchSchema,
    query: companyMemberQuerySchema
  },
  bookings: {
    description: 'Admins and internal calls only.',
    result: bookingSchema,
    data: bookingDataSchema,
    patch: bookingPatchSchema,
    query: bookingQuerySchema
  },
  disputes: {
    description: 'Admins and internal calls only.',
    result: disputeSchema,
    data: disputeDataSchema,
    patch: disputePatchSchema,
    query: disputeQuerySchema
  },
  channels: {
    description: 'One channel per booking or dispute, as the caller sees it. Participants (admins: all).',
    result: channelViewSchema,
    data: channelDataSchema,
    query: channelQuerySchema,
    pageTotals: { total_unread: integer }
  },
  participants: {
    description:
      'A channel’s people. A patch moves one’s own read position or mute flag; without an id, `channel_id` names one’s own row.',
    result: participantSchema,
    patch: participantPatchSchema,
    query: participantQuerySchema,
    patchQuery: participantPatchQuerySchema
  },
  messages: {
    description:
      'History, append-only. Deleted messages stay as tombstones; admins see their content with `$withDeleted`.',
    result: messageSchema,
    data: messageDataSchema,
    query: messageQuerySchema,
    pageFields: searchPageProperties,
    findNamesChannel: true,
    dataForms: [
      {
        name: 'ByChannel',
        title: 'To a channel',
        fields: ['channel_id', 'content', 'client_id'],
        required: ['channel_id', 'content']
      },
      {
        name: 'ByContext',
        title: 'To a booking’s or dispute’s channel (opened on the first message)',
        fields: ['context_type', 'context_id', 'content', 'client_id'],
        required: ['context_type', 'context_id', 'content']
      }
    ],
    // The schema bounds raw input, markup included; the rule is on the sanitized text
    documentedLimits: { content: { maxLength: MAX_CONTENT_LENGTH } }
  },
  presence: {
    description:
      'Who is online among the people one shares a channel with. `view`, `leave` and `typing` are Socket.io calls.',
    result: presenceSchema,
    query: presenceQuerySchema
  },
  'channel-events': {
    description:
      'What happened in a channel besides messages (joining, leaving, deletions, freezing), chained with them: system lines placed after message `after_seq`. Participants (admins: all).',
    result: channelEventSchema,
    query: channelEventQuerySchema
  },
  transcripts: {
    description:
      'A channel’s complete record by channel id, with its hash chain, signed with Ed25519 when the server has a key. Admins only.',
    result: transcriptSchema,
    query: transcriptQuerySchema,
    idParameter: channelSchema.properties.id
  },
  'history-checks': {
    description:
      'A channel’s rows as they are now, recomputed against their hash chain; `problems` names each entry that breaks it. Admins only.',
    result: historyCheckSchema,
    query: historyCheckQuerySchema,
    idParameter: channelSchema.properties.id
  },
  checkpoints: {
    description:
      'Signed heads of a channel’s hash chain (at a freeze, a dispute opened on the booking, an admin’s request, on the schedule), newest first, with their RFC 3161 token once stamped: `checkpoint` is the file a party keeps. Read by the channel’s participants; made by admins; never changed.',
    result: checkpointSchema,
    data: checkpointDataSchema,
    query: checkpointQuerySchema,
    ownPaging: true
  },
  'contact-findings': {
    description:
      'Messages in which the contact-details guard found a phone number, an e-mail address or a messaging handle (flagged or masked), with where they are; a patch resolves one. Admins only.',
    result: contactFindingSchema,
    patch: contactFindingPatchSchema,
    query: contactFindingQuerySchema
  },
  'device-tokens': {
    description: 'One’s own push tokens.',
    result: deviceTokenSchema,
    data: deviceTokenDataSchema,
    query: deviceTokenQuerySchema
  },
  notifications: {
    description: 'Delivery attempts, admins only.',
    result: notificationSchema,
    query: notificationQuerySchema
  }
}
