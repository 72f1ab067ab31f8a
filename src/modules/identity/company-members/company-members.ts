import { authenticateCaller } from '../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../declarations'
import { requireAdmin } from '../../../hooks/require-admin'
import { actorOf, announceEach } from '../../../hooks/announce-each'
import {
  companyMemberDataValidator,
  companyMemberPatchValidator,
  companyMemberQueryResolver,
  companyMemberQueryValidator
} from './company-members.schema'
import type { CompanyMember } from './company-members.schema'
import { CompanyMemberService, getOptions } from './company-members.class'
import { companyMemberMethods, companyMemberPath } from './company-members.shared'

export * from './company-members.class'
export * from './company-members.schema'

/** Channels of the company's bookings follow who works there, so say when that changes. */
const announceMembershipChange = announceEach(
  'identity.membership.changed',
  (member: CompanyMember, context) => ({
    company_id: member.company_id,
    user_id: member.user_id,
    actor_id: actorOf(context)
  })
)

export const companyMember = (app: Application) => {
  app.use(companyMemberPath, new CompanyMemberService(getOptions(app)), {
    methods: companyMemberMethods,
    events: []
  })
  app.service(companyMemberPath).hooks({
    around: {
      all: [authenticateCaller, requireAdmin]
    },
    before: {
      all: [
        schemaHooks.validateQuery(companyMemberQueryValidator),
        schemaHooks.resolveQuery(companyMemberQueryResolver)
      ],
      create: [schemaHooks.validateData(companyMemberDataValidator)],
      patch: [schemaHooks.validateData(companyMemberPatchValidator)]
    },
    after: {
      create: [announceMembershipChange],
      patch: [announceMembershipChange],
      remove: [announceMembershipChange]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [companyMemberPath]: CompanyMemberService
  }
}
