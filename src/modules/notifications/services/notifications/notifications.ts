import { authenticateCaller } from '../../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../../declarations'
import { requireAdmin } from '../../../../hooks/require-admin'
import { NotificationService, getOptions } from './notifications.class'
import { notificationQueryValidator } from './notifications.schema'
import { notificationMethods, notificationPath } from './notifications.shared'

export * from './notifications.class'
export * from './notifications.schema'

export const notification = (app: Application) => {
  app.use(notificationPath, new NotificationService(getOptions(app)), {
    methods: [...notificationMethods],
    events: []
  })
  app.service(notificationPath).hooks({
    around: {
      all: [authenticateCaller, requireAdmin]
    },
    before: {
      all: [schemaHooks.validateQuery(notificationQueryValidator)]
    }
  })
}

declare module '../../../../declarations' {
  interface ServiceTypes {
    [notificationPath]: NotificationService
  }
}
