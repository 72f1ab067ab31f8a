import { authenticateCaller } from '../../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../../declarations'
import { skipEventForExisting } from '../../hooks/skip-event-for-existing'
import { maskLastMessages } from '../../contact-guard/mask-hooks'
import { ChannelService } from './channels.class'
import { channelDataValidator, channelQueryValidator } from './channels.schema'
import { channelMethods, channelPath } from './channels.shared'

export * from './channels.class'
export * from './channels.schema'

export const channel = (app: Application) => {
  app.use(channelPath, new ChannelService(app), { methods: [...channelMethods], events: [] })
  app.service(channelPath).hooks({
    around: {
      all: [authenticateCaller]
    },
    before: {
      find: [schemaHooks.validateQuery(channelQueryValidator)],
      create: [schemaHooks.validateData(channelDataValidator)]
    },
    after: {
      find: [maskLastMessages],
      get: [maskLastMessages],
      create: [skipEventForExisting]
    }
  })
}

declare module '../../../../declarations' {
  interface ServiceTypes {
    [channelPath]: ChannelService
  }
}
