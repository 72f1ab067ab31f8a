import { resolve } from '@feathersjs/schema'
import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../declarations'
import { dataValidator, queryValidator } from '../../../validators'
import { Id, Timestamp } from '../../../schema-types'
import type { CompanyMemberService } from './company-members.class'

export const companyMemberSchema = Type.Object(
  {
    id: Id,
    company_id: Id,
    user_id: Id,
    role: Type.Union([Type.Literal('admin'), Type.Literal('manager')]),
    created_at: Timestamp
  },
  { $id: 'CompanyMember', additionalProperties: false }
)
export type CompanyMember = Static<typeof companyMemberSchema>

export const companyMemberDataSchema = Type.Pick(companyMemberSchema, ['company_id', 'user_id', 'role'], {
  $id: 'CompanyMemberData',
  additionalProperties: false
})
export type CompanyMemberData = Static<typeof companyMemberDataSchema>
export const companyMemberDataValidator = getValidator(companyMemberDataSchema, dataValidator)

// Who and where are fixed; moving someone is a remove and a create
export const companyMemberPatchSchema = Type.Pick(companyMemberSchema, ['role'], {
  $id: 'CompanyMemberPatch',
  additionalProperties: false
})
export type CompanyMemberPatch = Static<typeof companyMemberPatchSchema>
export const companyMemberPatchValidator = getValidator(companyMemberPatchSchema, dataValidator)

export const companyMemberQuerySchema = querySyntax(
  Type.Pick(companyMemberSchema, ['id', 'company_id', 'user_id', 'role', 'created_at'])
)
export type CompanyMemberQuery = Static<typeof companyMemberQuerySchema>
export const companyMemberQueryValidator = getValidator(companyMemberQuerySchema, queryValidator)
export const companyMemberQueryResolver = resolve<CompanyMemberQuery, HookContext<CompanyMemberService>>({})
