import { authenticateCaller } from '../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireAdmin } from '../../../hooks/require-admin'
import { sanitizeTextFields } from '../../../hooks/sanitize-text-fields'
import {
  companyDataValidator,
  companyPatchValidator,
  companyQueryResolver,
  companyQueryValidator
} from './companies.schema'
import { CompanyService, getOptions } from './companies.class'
import { companyMethods, companyPath } from './companies.shared'

export * from './companies.class'
export * from './companies.schema'

const sanitizeName = sanitizeTextFields('name')

export const company = (app: Application) => {
  app.use(companyPath, new CompanyService(getOptions(app)), { methods: companyMethods, events: [] })
  app.service(companyPath).hooks({
    around: {
      all: [authenticateCaller, requireAdmin]
    },
    before: {
      all: [schemaHooks.validateQuery(companyQueryValidator), schemaHooks.resolveQuery(companyQueryResolver)],
      create: [schemaHooks.validateData(companyDataValidator), sanitizeName],
      patch: [schemaHooks.validateData(companyPatchValidator), sanitizeName]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [companyPath]: CompanyService
  }
}
