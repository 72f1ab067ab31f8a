import { authenticateCaller } from '../../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../../declarations'
import { requireRecordAccess } from '../../access/channel-access'
import { HistoryCheckService } from './history-checks.class'
import { historyCheckQueryValidator } from './history-checks.schema'
import { historyCheckMethods, historyCheckPath } from './history-checks.shared'

export * from './history-checks.class'
export * from './history-checks.schema'

export const historyCheck = (app: Application) => {
  app.use(historyCheckPath, new HistoryCheckService(app), { methods: [...historyCheckMethods], events: [] })
  app.service(historyCheckPath).hooks({
    around: {
      all: [authenticateCaller, requireRecordAccess]
    },
    before: {
      get: [schemaHooks.validateQuery(historyCheckQueryValidator)]
    }
  })
}

declare module '../../../../declarations' {
  interface ServiceTypes {
    [historyCheckPath]: HistoryCheckService
  }
}
