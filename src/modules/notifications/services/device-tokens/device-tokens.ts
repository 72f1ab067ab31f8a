import { authenticateCaller } from '../../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../../declarations'
import { DeviceTokenService, getOptions } from './device-tokens.class'
import {
  deviceTokenDataValidator,
  deviceTokenQueryResolver,
  deviceTokenQueryValidator
} from './device-tokens.schema'
import { deviceTokenMethods, deviceTokenPath } from './device-tokens.shared'

export * from './device-tokens.class'
export * from './device-tokens.schema'

export const deviceToken = (app: Application) => {
  const service = new DeviceTokenService(getOptions(app), app.get('limits').device_tokens_per_user)
  app.use(deviceTokenPath, service, { methods: [...deviceTokenMethods], events: [] })
  app.service(deviceTokenPath).hooks({
    around: {
      all: [authenticateCaller]
    },
    before: {
      all: [
        schemaHooks.validateQuery(deviceTokenQueryValidator),
        schemaHooks.resolveQuery(deviceTokenQueryResolver)
      ],
      create: [schemaHooks.validateData(deviceTokenDataValidator)]
    }
  })
}

declare module '../../../../declarations' {
  interface ServiceTypes {
    [deviceTokenPath]: DeviceTokenService
  }
}
