import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator, queryValidator } from '../../../../validators'
import { Id, Nullable } from '../../../../schema-types'
import { transcriptSignatureSchema } from '../transcripts/transcripts.schema'
import { CHECKPOINT_FORMAT, checkpointReasons } from '../../evidence/checkpoint'

const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' })

/**
 * A signed checkpoint of one channel's chain, as a party keeps it: `checkpoint` is the
 * document to save (JSON) and give to `verify-history --against` or `verify-transcript
 * --against` later. Its `timestamp` is the RFC 3161 token, once an authority gave one.
 */
export const checkpointSchema = Type.Object(
  {
    id: Id,
    checkpoint: Type.Object(
      {
        format: Type.Literal(CHECKPOINT_FORMAT),
        channel_id: Id,
        context: Type.String(),
        seq: Type.Integer({ minimum: 0 }),
        event_seq: Type.Integer({ minimum: 0 }),
        head: Nullable(Hash),
        time: Type.String(),
        reason: Type.Union(checkpointReasons.map((reason) => Type.Literal(reason))),
        signature: Nullable(transcriptSignatureSchema),
        timestamp: Nullable(Type.Object({ token: Type.String() }, { additionalProperties: false }))
      },
      { additionalProperties: false }
    )
  },
  { $id: 'Checkpoint', additionalProperties: false }
)
export type Checkpoint = Static<typeof checkpointSchema>

// An admin asks for a checkpoint of one channel now
export const checkpointDataSchema = Type.Object(
  { channel_id: Id },
  { $id: 'CheckpointData', additionalProperties: false }
)
export type CheckpointData = Static<typeof checkpointDataSchema>
export const checkpointDataValidator = getValidator(checkpointDataSchema, dataValidator)

// One channel's checkpoints, newest first
export const checkpointQuerySchema = Type.Object(
  {
    channel_id: Id,
    $limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 }))
  },
  { $id: 'CheckpointQuery', additionalProperties: false }
)
export type CheckpointQuery = Static<typeof checkpointQuerySchema>
export const checkpointQueryValidator = getValidator(checkpointQuerySchema, queryValidator)
