import { authenticateCaller } from '../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { PhoneConfirmationService } from './phone-confirmations.class'
import { phoneConfirmationDataValidator } from './phone-confirmations.schema'
import { phoneConfirmationMethods, phoneConfirmationPath } from './phone-confirmations.shared'

export * from './phone-confirmations.class'
export * from './phone-confirmations.schema'

export const phoneConfirmation = (app: Application) => {
  app.use(phoneConfirmationPath, new PhoneConfirmationService(app), {
    methods: [...phoneConfirmationMethods],
    events: []
  })
  app.service(phoneConfirmationPath).hooks({
    around: { all: [authenticateCaller] },
    before: { create: [schemaHooks.validateData(phoneConfirmationDataValidator)] }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [phoneConfirmationPath]: PhoneConfirmationService
  }
}
