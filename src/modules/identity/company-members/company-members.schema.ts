import { resolve } from '@feathersjs/schema'
import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../declarations'
import { dataValidator, queryValidator } from '../../../validators'
import { Id, Timestamp, documented } from '../../../schema-types'
import type { CompanyMemberService } from './company-members.class'

export const companyMemberSchema = Type.Object(
  {
    id: documented(Id, 'The membership’s id', [32]),
    company_id: documented(Id, 'The company', [21]),
    user_id: documented(Id, 'The person', [14]),
    role: Type.Union([Type.Literal('admin'), Type.Literal('manager')], {
      description: 'Their role in the company: its admins and managers join its bookings’ channels',
      examples: ['manager']
    }),
    created_at: documented(Timestamp, 'When they joined the company', ['2026-12-01T09:00:00.000Z'])
  },
  {
    $id: 'CompanyMember',
    additionalProperties: false,
    description: 'A person’s role in a company'
  }
)
export type CompanyMember = Static<typeof companyMemberSchema>

export const companyMemberDataSchema = Type.Pick(companyMemberSchema, ['company_id', 'user_id', 'role'], {
  $id: 'CompanyMemberData',
  additionalProperties: false,
  description: 'A person joining a company (once per company)',
  examples: [{ company_id: 22, user_id: 12, role: 'manager' }]
})
export type CompanyMemberData = Static<typeof companyMemberDataSchema>
export const companyMemberDataValidator = getValidator(companyMemberDataSchema, dataValidator)

// Who and where are fixed; moving someone is a remove and a create
export const companyMemberPatchSchema = Type.Pick(companyMemberSchema, ['role'], {
  $id: 'CompanyMemberPatch',
  additionalProperties: false,
  description: 'A new role',
  examples: [{ role: 'admin' }]
})
export type CompanyMemberPatch = Static<typeof companyMemberPatchSchema>
export const companyMemberPatchValidator = getValidator(companyMemberPatchSchema, dataValidator)

export const companyMemberQuerySchema = querySyntax(
  Type.Pick(companyMemberSchema, ['id', 'company_id', 'user_id', 'role', 'created_at'])
)
export type CompanyMemberQuery = Static<typeof companyMemberQuerySchema>
export const companyMemberQueryValidator = getValidator(companyMemberQuerySchema, queryValidator)
export const companyMemberQueryResolver = resolve<CompanyMemberQuery, HookContext<CompanyMemberService>>({})
