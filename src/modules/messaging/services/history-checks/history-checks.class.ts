import type { Id } from '../../../../schema-types'
import { NotFound } from '@feathersjs/errors'
import type { Application, ServiceParams } from '../../../../declarations'
import { readChannelRecord } from '../../evidence/record'
import { verifyChain } from '../../evidence/chain'
import type { HistoryCheck } from './history-checks.schema'

export type { HistoryCheck }

export interface HistoryCheckParams extends ServiceParams {}

/** `get(channel id)`: checks the channel's rows as they are now against their chain. Admins only. */
export class HistoryCheckService {
  constructor(private app: Application) {}

  async get(id: Id, _params: HistoryCheckParams = {}): Promise<HistoryCheck> {
    const record = await readChannelRecord(this.app.get('postgresqlClient'), id)
    if (!record) throw new NotFound(`No channel ${id}`)
    return { channel_id: record.channel.id, ...verifyChain(record) }
  }
}
