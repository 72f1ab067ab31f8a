import type { Application } from '../../declarations'
import { authentication } from './authentication'
import { user } from './users/users'
import { userChanges } from './user-changes'
import { company } from './companies/companies'
import { companyMember } from './company-members/company-members'

export const identity = (app: Application) => {
  app.configure(user)
  app.configure(userChanges)
  app.configure(authentication)
  app.configure(company)
  app.configure(companyMember)
}
