import { resolve } from '@feathersjs/schema'
import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../declarations'
import { dataValidator, queryValidator } from '../../../validators'
import { Id, Timestamp } from '../../../schema-types'
import type { CompanyService } from './companies.class'

export const companySchema = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    created_at: Timestamp
  },
  { $id: 'Company', additionalProperties: false }
)
export type Company = Static<typeof companySchema>

export const companyDataSchema = Type.Pick(companySchema, ['name'], {
  $id: 'CompanyData',
  additionalProperties: false
})
export type CompanyData = Static<typeof companyDataSchema>
export const companyDataValidator = getValidator(companyDataSchema, dataValidator)

export const companyPatchSchema = Type.Partial(companyDataSchema, {
  $id: 'CompanyPatch',
  additionalProperties: false,
  minProperties: 1
})
export type CompanyPatch = Static<typeof companyPatchSchema>
export const companyPatchValidator = getValidator(companyPatchSchema, dataValidator)

export const companyQuerySchema = querySyntax(Type.Pick(companySchema, ['id', 'name', 'created_at']))
export type CompanyQuery = Static<typeof companyQuerySchema>
export const companyQueryValidator = getValidator(companyQuerySchema, queryValidator)
export const companyQueryResolver = resolve<CompanyQuery, HookContext<CompanyService>>({})
