import { authenticateCaller } from '../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import { Forbidden } from '@feathersjs/errors'
import type { Application, HookContext, NextFunction } from '../../../declarations'
import { isAdminOrInternal, requireAdmin } from '../../../hooks/require-admin'
import { sanitizeTextFields } from '../../../hooks/sanitize-text-fields'
import {
  userDataResolver,
  userDataValidator,
  userDirectoryQueryValidator,
  userExternalResolver,
  userPatchResolver,
  userPatchValidator,
  userQueryResolver,
  userQueryValidator,
  userResolver
} from './users.schema'
import { UserService, getOptions } from './users.class'
import { requireCurrentPassword } from '../hooks/require-current-password'
import { confirmPhoneChanges, sendPhoneConfirmation } from '../hooks/confirm-phone-changes'
import { announceEndedSessions, endSessions } from '../hooks/end-sessions'
import { userMethods, userPath } from './users.shared'

export * from './users.class'
export * from './users.schema'

/** Admins query by anything; others only by what they may see of other people. */
const validateUserQuery = async (context: HookContext, next: NextFunction) => {
  const validator = isAdminOrInternal(context.params) ? userQueryValidator : userDirectoryQueryValidator
  await schemaHooks.validateQuery(validator)(context, next)
}

/** People edit their own profile (not their role, nor whether it is disabled); admins edit anyone. */
const allowSelfProfileOnly = async (context: HookContext, next: NextFunction) => {
  if (!isAdminOrInternal(context.params)) {
    if (String(context.id) !== String(context.params.user?.id))
      throw new Forbidden('You can only change your own profile')
    if (context.data && 'role' in context.data) throw new Forbidden('Only an admin may change a role')
    if (context.data && 'disabled' in context.data)
      throw new Forbidden('Only an admin may disable an account')
  }
  await next()
}

const sanitizeName = sanitizeTextFields('name')

export const user = (app: Application) => {
  const service = new UserService(getOptions(app))
  app.use(userPath, service, {
    methods: userMethods,
    events: []
  })
  app.get('events').on('identity.user.changed', ({ user_id }) => service.forgetName(user_id))
  app.service(userPath).hooks({
    around: {
      all: [schemaHooks.resolveExternal(userExternalResolver), schemaHooks.resolveResult(userResolver)],
      find: [authenticateCaller, validateUserQuery],
      get: [authenticateCaller, validateUserQuery],
      create: [authenticateCaller, requireAdmin, validateUserQuery],
      patch: [authenticateCaller, allowSelfProfileOnly, validateUserQuery]
    },
    before: {
      all: [schemaHooks.resolveQuery(userQueryResolver)],
      create: [
        schemaHooks.validateData(userDataValidator),
        sanitizeName,
        schemaHooks.resolveData(userDataResolver)
      ],
      patch: [
        schemaHooks.validateData(userPatchValidator),
        sanitizeName,
        requireCurrentPassword,
        schemaHooks.resolveData(userPatchResolver),
        confirmPhoneChanges,
        endSessions
      ]
    },
    after: {
      patch: [announceEndedSessions, sendPhoneConfirmation]
    }
  })
}

declare module '../../../declarations' {
  interface ServiceTypes {
    [userPath]: UserService
  }
}
