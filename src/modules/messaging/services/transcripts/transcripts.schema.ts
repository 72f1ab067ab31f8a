import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../../../validators'
import { Id, NamedRef, Nullable, Timestamp, documented } from '../../../../schema-types'
import { ContextType, channelSchema } from '../channels/channels.schema'
import { participantRoles } from '../participants/participants.schema'
import { channelEventKinds } from '../channel-events/channel-events.schema'

// 2: entries carry their chain format and, from format 2 on, the names they were chained with
export const TRANSCRIPT_FORMAT = 'context-chat-transcript/2'

// Times in a transcript are the chain's own text: UTC with microseconds
const Role = Type.Union(participantRoles.map((role) => Type.Literal(role)))
const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' })

export const transcriptSignatureSchema = Type.Object(
  {
    algorithm: Type.Literal('Ed25519', { description: 'The signature scheme' }),
    public_key: Type.String({ description: 'The server’s public key (PEM, SPKI)' }),
    key_id: Type.String({ description: 'Names the key, so that a verifier picks the right one' }),
    value: Type.String({ description: 'The signature over the transcript without it (base64)' })
  },
  { $id: 'TranscriptSignature', additionalProperties: false, description: 'The server’s signature' }
)

const text = (description: string) => Type.String({ description })
const nameThen = (description: string) => documented(Nullable(Type.String()), description)
const ChainFormat = Type.Union([Type.Literal(1), Type.Literal(2)], {
  description: 'How the entry is hashed: 1 without names (chained before names were kept), 2 with them'
})
const count = (description: string) => Type.Integer({ minimum: 0, description })

/**
 * A channel's complete record as legal evidence: every message (deleted ones with
 * their words and who deleted them), every event, every membership interval with its
 * person's name and read position at export time, everyone it names with their id,
 * email and whether an admin, and the chain that binds them,
 * signed with Ed25519 when the server has a key.
 */
export const transcriptSchema = Type.Object(
  {
    format: Type.Literal(TRANSCRIPT_FORMAT, { description: 'The transcript format and its version' }),
    exported_at: documented(Timestamp, 'When it was exported'),
    channel: Type.Object(
      {
        id: documented(Id, 'The channel’s id'),
        context_type: ContextType,
        context_id: documented(Id, 'The booking’s or dispute’s id'),
        title: text('Its title at export time'),
        status: channelSchema.properties.status,
        created_at: documented(Timestamp, 'When it was opened'),
        last_message_at: documented(Nullable(Timestamp), 'When its last message was sent'),
        last_seq: count('The seq of its last message'),
        last_event_seq: count('The event_seq of its last event'),
        chain_head: documented(Nullable(Hash), 'The chain’s last link (null: empty)')
      },
      { additionalProperties: false, description: 'The channel' }
    ),
    // Everyone the record names, as they are at export time (signed, not chained)
    people: Type.Array(
      Type.Object(
        {
          id: documented(Id, 'Their id'),
          name: text('Their name at export time'),
          email: text('Their email at export time'),
          admin: Type.Boolean({ description: 'Whether an admin' })
        },
        { additionalProperties: false, description: 'A person' }
      ),
      { description: 'Everyone the record names, as they are at export time (signed, not chained)' }
    ),
    participants: Type.Array(
      Type.Object(
        {
          id: documented(Id, 'The participant row’s id'),
          channel_id: documented(Id, 'The channel'),
          user_id: documented(Id, 'The person'),
          name: text('Their name at export time'),
          role: documented(Role, 'Why they were in the channel'),
          joined_at: documented(Timestamp, 'When they joined'),
          removed_at: documented(Nullable(Timestamp), 'When they left (null: still in)'),
          last_read_seq: count('Their read position at export time'),
          last_read_at: documented(Nullable(Timestamp), 'When they last read'),
          muted: Type.Boolean({ description: 'Whether they muted the channel' })
        },
        { additionalProperties: false, description: 'A membership interval' }
      ),
      { description: 'Every membership interval, removed ones included' }
    ),
    messages: Type.Array(
      Type.Object(
        {
          id: documented(Id, 'The message’s id'),
          channel_id: documented(Id, 'The channel'),
          seq: Type.Integer({ minimum: 1, description: 'Its place in the channel' }),
          sender_id: documented(Id, 'Who sent it'),
          sender_name: nameThen('The sender’s name when they sent it, chained (null: format 1)'),
          sender: NamedRef({ description: 'Who sent it, under their name at export time' }),
          content: text('Its words, deleted or not'),
          client_id: documented(Nullable(Type.String()), 'The sender’s idempotency key'),
          created_at: documented(Timestamp, 'When it was sent'),
          is_deleted: Type.Boolean({ description: 'Whether it was deleted' }),
          deleted_at: documented(Nullable(Timestamp), 'When it was deleted'),
          deleted_by: documented(Nullable(Id), 'Who deleted it'),
          hash: documented(Nullable(Hash), 'Its link in the chain'),
          chain_format: ChainFormat
        },
        { additionalProperties: false, description: 'A message' }
      ),
      { description: 'Every message, deleted ones with their words' }
    ),
    events: Type.Array(
      Type.Object(
        {
          id: documented(Id, 'The event’s id'),
          channel_id: documented(Id, 'The channel'),
          event_seq: Type.Integer({ minimum: 1, description: 'Its place among the channel’s events' }),
          after_seq: count('The seq of the message it followed'),
          kind: Type.Union(
            channelEventKinds.map((kind) => Type.Literal(kind)),
            { description: 'What happened' }
          ),
          actor_id: documented(Nullable(Id), 'Who did it (null: the system)'),
          actor_name: nameThen('The actor’s name then, chained (null: the system, or format 1)'),
          user_id: documented(Nullable(Id), 'Whom it is about'),
          user_name: nameThen('Their name then, chained (null: nobody, or format 1)'),
          message_id: documented(Nullable(Id), 'The message it is about'),
          detail: documented(Nullable(Type.String()), 'The role or status it names'),
          created_at: documented(Timestamp, 'When it happened'),
          hash: documented(Hash, 'Its link in the chain'),
          chain_format: ChainFormat,
          text: text('Its system line, with the names chained with it (format 2)')
        },
        { additionalProperties: false, description: 'An event' }
      ),
      { description: 'Every event' }
    ),
    signature: documented(
      Nullable(transcriptSignatureSchema),
      'The server’s Ed25519 signature (null: no key)'
    )
  },
  {
    $id: 'Transcript',
    additionalProperties: false,
    description: 'A channel’s complete record, chained and signed: evidence'
  }
)
export type Transcript = Static<typeof transcriptSchema>

// Nothing to ask but the channel's id: any query parameter is refused (400)
export const transcriptQuerySchema = Type.Object({}, { $id: 'TranscriptQuery', additionalProperties: false })
export const transcriptQueryValidator = getValidator(transcriptQuerySchema, queryValidator)
