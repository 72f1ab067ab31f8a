import { authenticateCaller } from '../../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../../declarations'
import { PresenceService } from './presence.class'
import { channelRefValidator, presenceQueryValidator, typingValidator } from './presence.schema'
import { presenceMethods, presencePath } from './presence.shared'

export * from './presence.class'
export * from './presence.schema'

export const presence = (app: Application) => {
  app.use(presencePath, new PresenceService(app), { methods: [...presenceMethods], events: ['typing'] })
  app.service(presencePath).hooks({
    around: {
      all: [authenticateCaller]
    },
    before: {
      find: [schemaHooks.validateQuery(presenceQueryValidator)],
      view: [schemaHooks.validateData(channelRefValidator)],
      leave: [schemaHooks.validateData(channelRefValidator)],
      typing: [schemaHooks.validateData(typingValidator)]
    }
  })
}

declare module '../../../../declarations' {
  interface ServiceTypes {
    [presencePath]: PresenceService
  }
}
