import type { Application } from '../../declarations'
import { authentication } from './authentication'
import { user } from './users/users'
import { userChanges } from './user-changes'
import { company } from './companies/companies'
import { companyMember } from './company-members/company-members'
import { phoneConfirmation } from './phone-confirmations/phone-confirmations'

export const identity = (app: Application) => {
  app.configure(user)
  app.configure(phoneConfirmation)
  app.configure(userChanges)
  app.configure(authentication)
  app.configure(company)
  app.configure(companyMember)
}
