import { Type } from '@feathersjs/typebox'
import {
  userDataSchema,
  userPatchSchema,
  userQuerySchema,
  userSchema
} from '../../../modules/identity/users/users.schema'
import {
  phoneConfirmationDataSchema,
  phoneConfirmationSchema
} from '../../../modules/identity/phone-confirmations/phone-confirmations.schema'
import {
  companyDataSchema,
  companyPatchSchema,
  companyQuerySchema,
  companySchema
} from '../../../modules/identity/companies/companies.schema'
import {
  companyMemberDataSchema,
  companyMemberPatchSchema,
  companyMemberQuerySchema,
  companyMemberSchema
} from '../../../modules/identity/company-members/company-members.schema'
import type { ServiceSchemas } from './types'

// Others see a directory entry: the external resolver leaves contact details and the password out
const { password: _password, ...userFields } = userSchema.properties
const directoryOnly = new Set([
  'email',
  'phone',
  'phone_confirmed_at',
  'quiet_hours_start',
  'quiet_hours_end',
  'created_at',
  'disabled_at',
  'token_version'
])
const userResultSchema = Type.Object(
  Object.fromEntries(
    Object.entries(userFields).map(([name, schema]) => [
      name,
      directoryOnly.has(name) ? Type.Optional(schema) : schema
    ])
  ),
  { $id: 'User', additionalProperties: false }
)

/** The identity module's REST services: people, their phones, companies and memberships. */
export const identitySchemas: Record<string, ServiceSchemas> = {
  users: {
    description:
      'People. Admins create and edit anyone; people edit their own profile and see others’ id, name, role and timezone.',
    result: userResultSchema,
    data: userDataSchema,
    patch: userPatchSchema,
    query: userQuerySchema
  },
  'phone-confirmations': {
    description:
      'Confirms one’s own phone number with the six-digit code sent to it by SMS when one set it; SMS go to confirmed numbers only.',
    result: phoneConfirmationSchema,
    data: phoneConfirmationDataSchema
  },
  companies: {
    description: 'Admins and internal calls only.',
    result: companySchema,
    data: companyDataSchema,
    patch: companyPatchSchema,
    query: companyQuerySchema
  },
  'company-members': {
    description: 'Admins and internal calls only.',
    result: companyMemberSchema,
    data: companyMemberDataSchema,
    patch: companyMemberPatchSchema,
    query: companyMemberQuerySchema
  }
}
