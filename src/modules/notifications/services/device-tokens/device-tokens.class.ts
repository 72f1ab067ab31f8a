import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import { BadRequest } from '@feathersjs/errors'
import type { Application } from '../../../../declarations'
import type { User } from '../../../identity/users/users.schema'
import type { DeviceToken, DeviceTokenData, DeviceTokenQuery } from './device-tokens.schema'

export type { DeviceToken, DeviceTokenData, DeviceTokenQuery }

export interface DeviceTokenParams extends KnexAdapterParams<DeviceTokenQuery> {
  user?: User
}

export class DeviceTokenService extends KnexService<DeviceToken, DeviceTokenData, DeviceTokenParams> {
  /** A token registered again (a phone that changed hands) moves to its new owner. */
  async create(data: DeviceTokenData, params?: DeviceTokenParams): Promise<DeviceToken>
  async create(data: DeviceTokenData[], params?: DeviceTokenParams): Promise<DeviceToken[]>
  async create(data: DeviceTokenData | DeviceTokenData[], params?: DeviceTokenParams): Promise<DeviceToken | DeviceToken[]>
  async create(data: DeviceTokenData | DeviceTokenData[], params: DeviceTokenParams = {}): Promise<DeviceToken | DeviceToken[]> {
    if (Array.isArray(data)) throw new BadRequest('Register one token per call')
    const userId = params.user?.id
    if (!userId) throw new BadRequest('A device token belongs to a user (params.user)')
    const [token] = await this.Model('device_tokens')
      .insert({ user_id: userId, token: data.token, platform: data.platform })
      .onConflict('token')
      .merge(['user_id', 'platform'])
      .returning('*')
    return token
  }
}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'device_tokens'
})
