import { authenticateCaller } from '../../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../../declarations'
import { ChannelEventService } from './channel-events.class'
import { channelEventQueryValidator } from './channel-events.schema'
import { channelEventMethods, channelEventPath } from './channel-events.shared'

export * from './channel-events.class'
export * from './channel-events.schema'

export const channelEvent = (app: Application) => {
  app.use(channelEventPath, new ChannelEventService(app), { methods: [...channelEventMethods], events: [] })
  app.service(channelEventPath).hooks({
    around: {
      all: [authenticateCaller]
    },
    before: {
      find: [schemaHooks.validateQuery(channelEventQueryValidator)]
    }
  })
}

declare module '../../../../declarations' {
  interface ServiceTypes {
    [channelEventPath]: ChannelEventService
  }
}
