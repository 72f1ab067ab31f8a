import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import { BadRequest } from '@feathersjs/errors'
import type { Application } from '../../../../declarations'
import { withTransaction } from '../../../../database/errors'
import type { User } from '../../../identity/users/users.schema'
import type { DeviceToken, DeviceTokenData, DeviceTokenQuery } from './device-tokens.schema'

export type { DeviceToken, DeviceTokenData, DeviceTokenQuery }

export interface DeviceTokenParams extends KnexAdapterParams<DeviceTokenQuery> {
  user?: User
}

export class DeviceTokenService extends KnexService<DeviceToken, DeviceTokenData, DeviceTokenParams> {
  constructor(
    options: KnexAdapterOptions,
    private perUser: number
  ) {
    super(options)
  }

  /**
   * A token registered again (a phone that changed hands) moves to its new owner. A person
   * keeps their `limits.device_tokens_per_user` most recently registered devices: each is
   * a push per message, so registering one more replaces the oldest.
   */
  async create(data: DeviceTokenData, params?: DeviceTokenParams): Promise<DeviceToken>
  async create(data: DeviceTokenData[], params?: DeviceTokenParams): Promise<DeviceToken[]>
  async create(
    data: DeviceTokenData | DeviceTokenData[],
    params?: DeviceTokenParams
  ): Promise<DeviceToken | DeviceToken[]>
  async create(
    data: DeviceTokenData | DeviceTokenData[],
    params: DeviceTokenParams = {}
  ): Promise<DeviceToken | DeviceToken[]> {
    if (Array.isArray(data)) throw new BadRequest('Register one token per call')
    const userId = params.user?.id
    if (!userId) throw new BadRequest('A device token belongs to a user (params.user)')
    return withTransaction(this.Model, async (trx) => {
      // One person's registrations take turns, so parallel ones cannot overshoot the cap
      await trx('users').where({ id: userId }).forNoKeyUpdate().first('id')
      // The clock, not the transaction's start: turns taken in this order are ordered so
      const registered = {
        user_id: userId,
        platform: data.platform,
        created_at: trx.raw('clock_timestamp()')
      }
      const [token] = await trx('device_tokens')
        .insert({ ...registered, token: data.token })
        .onConflict('token')
        .merge(registered)
        .returning('*')
      const kept = trx('device_tokens')
        .where({ user_id: userId })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' }
        ])
        .limit(this.perUser)
        .select('id')
      await trx('device_tokens').where({ user_id: userId }).whereNotIn('id', kept).delete()
      return token
    })
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'device_tokens'
})
