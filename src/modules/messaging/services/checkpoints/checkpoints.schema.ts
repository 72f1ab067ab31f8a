import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, Nullable, documented } from '../../../../schema-types'
import { transcriptSignatureSchema } from '../transcripts/transcripts.schema'
import { CHECKPOINT_FORMAT, checkpointReasons } from '../../evidence/checkpoint'

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' })
const count = (description: string) => Type.Integer({ minimum: 0, description })

/**
 * A signed checkpoint of one channel's chain, as a party keeps it: `checkpoint` is the
 * document to save (JSON) and give to `verify-history --against` or `verify-transcript
 * --against` later. Its `timestamp` is the RFC 3161 token, once an authority gave one.
 */
export const checkpointSchema = Type.Object(
  {
    id: documented(Id, 'The checkpoint’s id', [81]),
    checkpoint: Type.Object(
      {
        format: Type.Literal(CHECKPOINT_FORMAT, { description: 'The checkpoint format and its version' }),
        channel_id: documented(Id, 'The channel whose head it is', [7]),
        context: Type.String({
          description: 'The channel’s booking or dispute, as its chain’s first entry names it',
          examples: ['booking:42']
        }),
        seq: count('The channel’s messages at that state: the seq of its last message'),
        event_seq: count('The channel’s events at that state: the event_seq of its last event'),
        head: documented(
          Nullable(Hash),
          'The hash of the chain’s last entry then, hex SHA-256 (null: empty)'
        ),
        time: Type.String({
          description:
            'The database’s clock when the state was read: UTC with microseconds, as the chain writes times',
          examples: ['2026-12-06T22:20:19.123456Z']
        }),
        reason: Type.Union(
          checkpointReasons.map((reason) => Type.Literal(reason)),
          {
            description:
              'Why it was taken: the channel froze, a dispute opened on its booking, an admin asked, or the schedule'
          }
        ),
        signature: documented(
          Nullable(transcriptSignatureSchema),
          'The server’s Ed25519 signature over the RFC 8785 bytes of all but `signature` and `timestamp` (null: the server has no key)'
        ),
        timestamp: documented(
          Nullable(
            Type.Object(
              {
                token: Type.String({
                  description:
                    'The RFC 3161 TimeStampToken over the RFC 8785 bytes of all but `timestamp`: the DER of the authority’s CMS ContentInfo, base64'
                })
              },
              { additionalProperties: false, description: 'A time-stamp authority’s token' }
            )
          ),
          'The trusted time of the signed checkpoint (null until an authority gave one)'
        )
      },
      {
        additionalProperties: false,
        description:
          'The file a party keeps: give it to `verify-history --against` or `verify-transcript --against` later'
      }
    )
  },
  {
    $id: 'Checkpoint',
    additionalProperties: false,
    description: 'A signed head of a channel’s hash chain'
  }
)
export type Checkpoint = Static<typeof checkpointSchema>

// An admin asks for a checkpoint of one channel now
export const checkpointDataSchema = Type.Object(
  { channel_id: documented(Id, 'The channel to checkpoint now', [7]) },
  {
    $id: 'CheckpointData',
    additionalProperties: false,
    description: 'A checkpoint of one channel’s head as it is now',
    examples: [{ channel_id: 7 }]
  }
)
export type CheckpointData = Static<typeof checkpointDataSchema>
export const checkpointDataValidator = getValidator(checkpointDataSchema, dataValidator)

// One channel's checkpoints, newest first: one page, of its own size (no `$skip`)
export const CHECKPOINT_PAGE = { default: 10, max: 50 }
export const checkpointQuerySchema = Type.Object(
  {
    channel_id: documented(Id, 'The channel (required)', [7]),
    $limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: CHECKPOINT_PAGE.max,
        description: `How many, newest first: ${CHECKPOINT_PAGE.default} unless given; 1 to ${CHECKPOINT_PAGE.max} (others: 400)`
      })
    )
  },
  { $id: 'CheckpointQuery', additionalProperties: false }
)
export type CheckpointQuery = Static<typeof checkpointQuerySchema>
export const checkpointQueryValidator = getValidator(checkpointQuerySchema, queryValidator)
