import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../../../client'
import type {
  DeviceToken,
  DeviceTokenData,
  DeviceTokenQuery,
  DeviceTokenService
} from './device-tokens.class'

export type { DeviceToken, DeviceTokenData, DeviceTokenQuery }

export type DeviceTokenClientService = Pick<DeviceTokenService, 'get' | 'remove'> & {
  find(params?: Params<DeviceTokenQuery>): ReturnType<DeviceTokenService['find']>
  create(data: DeviceTokenData, params?: Params): Promise<DeviceToken>
}

export const deviceTokenPath = 'device-tokens'

export const deviceTokenMethods = ['find', 'get', 'create', 'remove'] as const

export const deviceTokenClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(deviceTokenPath, connection.service(deviceTokenPath), { methods: [...deviceTokenMethods] })
}

declare module '../../../../client' {
  interface ServiceTypes {
    [deviceTokenPath]: DeviceTokenClientService
  }
}
