import { Type } from '@feathersjs/typebox'
import {
  channelDataSchema,
  channelQuerySchema,
  channelSchema,
  channelViewSchema
} from '../../../modules/messaging/services/channels/channels.schema'
import {
  participantPatchQuerySchema,
  participantPatchSchema,
  participantQuerySchema,
  participantSchema
} from '../../../modules/messaging/services/participants/participants.schema'
import {
  MAX_CONTENT_LENGTH,
  messageDataSchema,
  messageQuerySchema,
  messageSchema
} from '../../../modules/messaging/services/messages/messages.schema'
import { searchPageProperties } from '../../../modules/messaging/services/messages/search.schema'
import {
  presenceQuerySchema,
  presenceSchema
} from '../../../modules/messaging/services/presence/presence.schema'
import {
  channelEventQuerySchema,
  channelEventSchema
} from '../../../modules/messaging/services/channel-events/channel-events.schema'
import {
  transcriptQuerySchema,
  transcriptSchema
} from '../../../modules/messaging/services/transcripts/transcripts.schema'
import {
  historyCheckQuerySchema,
  historyCheckSchema
} from '../../../modules/messaging/services/history-checks/history-checks.schema'
import {
  checkpointDataSchema,
  checkpointQuerySchema,
  checkpointSchema
} from '../../../modules/messaging/services/checkpoints/checkpoints.schema'
import {
  contactFindingPatchSchema,
  contactFindingQuerySchema,
  contactFindingSchema
} from '../../../modules/messaging/services/contact-findings/contact-findings.schema'
import type { ServiceSchemas } from './types'

const totalUnread = Type.Integer({ minimum: 0, description: 'Unread messages across every matching channel' })

/** The messaging module's REST services: channels, their people, history and its evidence. */
export const messagingSchemas: Record<string, ServiceSchemas> = {
  channels: {
    description: 'One channel per booking or dispute, as the caller sees it. Participants (admins: all).',
    result: channelViewSchema,
    data: channelDataSchema,
    query: channelQuerySchema,
    pageTotals: { total_unread: totalUnread }
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
  }
}
