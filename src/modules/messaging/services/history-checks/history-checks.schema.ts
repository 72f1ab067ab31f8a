import { Type, getValidator } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { queryValidator } from '../../../../validators'
import { Id, Nullable } from '../../../../schema-types'

/** The live database's record of one channel, recomputed against its hash chain. */
export const historyCheckSchema = Type.Object(
  {
    channel_id: Id,
    valid: Type.Boolean(),
    messages: Type.Integer({ minimum: 0 }),
    events: Type.Integer({ minimum: 0 }),
    head: Nullable(Type.String()),
    /** every entry that breaks the chain, in the order found: `{entry: 'message seq 4 (id 17)', reason}` */
    problems: Type.Array(
      Type.Object({ entry: Type.String(), reason: Type.String() }, { additionalProperties: false })
    )
  },
  { $id: 'HistoryCheck', additionalProperties: false }
)
export type HistoryCheck = Static<typeof historyCheckSchema>

// Nothing to ask but the channel's id: any query parameter is refused (400)
export const historyCheckQuerySchema = Type.Object(
  {},
  { $id: 'HistoryCheckQuery', additionalProperties: false }
)
export const historyCheckQueryValidator = getValidator(historyCheckQuerySchema, queryValidator)
