import { authenticateCaller } from '../../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../../declarations'
import { requireRecordAccess } from '../../access/channel-access'
import { ContactFindingService } from './contact-findings.class'
import { contactFindingPatchValidator, contactFindingQueryValidator } from './contact-findings.schema'
import { contactFindingMethods, contactFindingPath } from './contact-findings.shared'

export * from './contact-findings.class'
export * from './contact-findings.schema'

/** The contact-details guard's findings: admins list and resolve them; nobody else sees them. */
export const contactFinding = (app: Application) => {
  app.use(contactFindingPath, new ContactFindingService(app), {
    methods: [...contactFindingMethods],
    events: []
  })
  app.service(contactFindingPath).hooks({
    around: {
      all: [authenticateCaller, requireRecordAccess]
    },
    before: {
      find: [schemaHooks.validateQuery(contactFindingQueryValidator)],
      patch: [schemaHooks.validateData(contactFindingPatchValidator)]
    }
  })
}

declare module '../../../../declarations' {
  interface ServiceTypes {
    [contactFindingPath]: ContactFindingService
  }
}
