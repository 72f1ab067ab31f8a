import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../../../validators'
import { Id, Nullable, documented } from '../../../../schema-types'

/** The live database's record of one channel, recomputed against its hash chain. */
export const historyCheckSchema = Type.Object(
  {
    channel_id: documented(Id, 'The channel checked', [7]),
    valid: Type.Boolean({ description: 'Whether every row matches its link in the chain' }),
    messages: Type.Integer({ minimum: 0, description: 'Messages checked' }),
    events: Type.Integer({ minimum: 0, description: 'Events checked' }),
    head: documented(Nullable(Type.String()), 'The chain’s last link (null: empty channel)'),
    /** every entry that breaks the chain, in the order found: `{entry: 'message seq 4 (id 17)', reason}` */
    problems: Type.Array(
      Type.Object(
        {
          entry: Type.String({ description: 'The entry: "message seq 4 (id 17)"' }),
          reason: Type.String({ description: 'How it breaks the chain' })
        },
        { additionalProperties: false, description: 'An entry that breaks the chain' }
      ),
      { description: 'Every entry that breaks the chain, in the order found' }
    )
  },
  {
    $id: 'HistoryCheck',
    additionalProperties: false,
    description: 'A channel’s rows as they are now, recomputed against their hash chain'
  }
)
export type HistoryCheck = Static<typeof historyCheckSchema>

// Nothing to ask but the channel's id: any query parameter is refused (400)
export const historyCheckQuerySchema = Type.Object(
  {},
  { $id: 'HistoryCheckQuery', additionalProperties: false }
)
export const historyCheckQueryValidator = getValidator(historyCheckQuerySchema, queryValidator)
