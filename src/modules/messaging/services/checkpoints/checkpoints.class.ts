import { NotFound } from '@feathersjs/errors'
import type { Application, ServiceParams } from '../../../../declarations'
import { CHECKPOINT_PAGE } from './checkpoints.schema'
import type { Checkpoint, CheckpointData, CheckpointQuery } from './checkpoints.schema'
import { documentOf, takeCheckpoint } from './take-checkpoint'
import type { CheckpointRow } from './take-checkpoint'
import { checkpointWorkOf } from './checkpoint-moments'
import type { Paginated } from '@feathersjs/feathers'

export type { Checkpoint, CheckpointData, CheckpointQuery }

export interface CheckpointParams extends ServiceParams {
  query?: CheckpointQuery
}

const recordOf = (row: CheckpointRow): Checkpoint => ({ id: Number(row.id), checkpoint: documentOf(row) })

/**
 * `find({channel_id})`: a channel's checkpoints, newest first, for who may read the
 * channel; `create({channel_id})`: an admin's request for one now. Nothing else: a
 * checkpoint is never changed or removed.
 */
export class CheckpointService {
  constructor(private app: Application) {}

  async find(params: CheckpointParams): Promise<Paginated<Checkpoint>> {
    const { channel_id, $limit = CHECKPOINT_PAGE.default } = params.query!
    const db = this.app.get('postgresqlClient')
    const rows: CheckpointRow[] = await db('chat_checkpoints')
      .where({ channel_id })
      .orderBy('id', 'desc')
      .limit($limit)
      .select('id', 'channel_id', 'document', 'timestamp_token')
    const [{ total }] = await db('chat_checkpoints').where({ channel_id }).count({ total: '*' })
    return { total: Number(total), limit: $limit, skip: 0, data: rows.map(recordOf) }
  }

  async create(data: CheckpointData, params: CheckpointParams = {}): Promise<Checkpoint> {
    const requester = params.user?.id
    const row = await takeCheckpoint(
      this.app,
      data.channel_id,
      'request',
      requester ? String(requester) : null
    )
    if (!row) throw new NotFound(`No channel ${data.channel_id}`)
    checkpointWorkOf(this.app).timestamps.stampLater(row)
    return recordOf(row)
  }
}
