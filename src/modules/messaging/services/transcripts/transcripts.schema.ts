import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../../../validators'
import { Id, NamedRef, Nullable, Timestamp } from '../../../../schema-types'
import { ContextType, channelSchema } from '../channels/channels.schema'
import { participantRoles } from '../participants/participants.schema'
import { channelEventKinds } from '../channel-events/channel-events.schema'

export const TRANSCRIPT_FORMAT = 'context-chat-transcript/1'

// Times in a transcript are the chain's own text: UTC with microseconds
const Role = Type.Union(participantRoles.map((role) => Type.Literal(role)))
const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' })

export const transcriptSignatureSchema = Type.Object(
  {
    algorithm: Type.Literal('Ed25519'),
    public_key: Type.String(),
    key_id: Type.String(),
    value: Type.String()
  },
  { $id: 'TranscriptSignature', additionalProperties: false }
)

/**
 * A channel's complete record as legal evidence: every message (deleted ones with
 * their words and who deleted them), every event, every membership interval with its
 * person's name and read position at export time, everyone it names with their id,
 * email and whether an admin, and the chain that binds them,
 * signed with Ed25519 when the server has a key.
 */
export const transcriptSchema = Type.Object(
  {
    format: Type.Literal(TRANSCRIPT_FORMAT),
    exported_at: Timestamp,
    channel: Type.Object(
      {
        id: Id,
        context_type: ContextType,
        context_id: Id,
        title: Type.String(),
        status: channelSchema.properties.status,
        created_at: Timestamp,
        last_message_at: Nullable(Timestamp),
        last_seq: Type.Integer({ minimum: 0 }),
        last_event_seq: Type.Integer({ minimum: 0 }),
        chain_head: Nullable(Hash)
      },
      { additionalProperties: false }
    ),
    // Everyone the record names, as they are at export time (signed, not chained)
    people: Type.Array(
      Type.Object(
        { id: Id, name: Type.String(), email: Type.String(), admin: Type.Boolean() },
        { additionalProperties: false }
      )
    ),
    participants: Type.Array(
      Type.Object(
        {
          id: Id,
          channel_id: Id,
          user_id: Id,
          name: Type.String(),
          role: Role,
          joined_at: Timestamp,
          removed_at: Nullable(Timestamp),
          last_read_seq: Type.Integer({ minimum: 0 }),
          last_read_at: Nullable(Timestamp),
          muted: Type.Boolean()
        },
        { additionalProperties: false }
      )
    ),
    messages: Type.Array(
      Type.Object(
        {
          id: Id,
          channel_id: Id,
          seq: Type.Integer({ minimum: 1 }),
          sender_id: Id,
          sender: NamedRef(),
          content: Type.String(),
          client_id: Nullable(Type.String()),
          created_at: Timestamp,
          is_deleted: Type.Boolean(),
          deleted_at: Nullable(Timestamp),
          deleted_by: Nullable(Id),
          hash: Nullable(Hash)
        },
        { additionalProperties: false }
      )
    ),
    events: Type.Array(
      Type.Object(
        {
          id: Id,
          channel_id: Id,
          event_seq: Type.Integer({ minimum: 1 }),
          after_seq: Type.Integer({ minimum: 0 }),
          kind: Type.Union(channelEventKinds.map((kind) => Type.Literal(kind))),
          actor_id: Nullable(Id),
          user_id: Nullable(Id),
          message_id: Nullable(Id),
          detail: Nullable(Type.String()),
          created_at: Timestamp,
          hash: Hash,
          text: Type.String()
        },
        { additionalProperties: false }
      )
    ),
    signature: Nullable(transcriptSignatureSchema)
  },
  { $id: 'Transcript', additionalProperties: false }
)
export type Transcript = Static<typeof transcriptSchema>

// Nothing to ask but the channel's id: any query parameter is refused (400)
export const transcriptQuerySchema = Type.Object({}, { $id: 'TranscriptQuery', additionalProperties: false })
export const transcriptQueryValidator = getValidator(transcriptQuerySchema, queryValidator)
