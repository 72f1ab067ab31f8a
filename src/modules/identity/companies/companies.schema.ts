import { resolve } from '@feathersjs/schema'
import { Type, getValidator, querySyntax } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import type { HookContext } from '../../../declarations'
import { dataValidator, queryValidator } from '../../../validators'
import { Id, Timestamp, documented } from '../../../schema-types'
import type { CompanyService } from './companies.class'

export const companySchema = Type.Object(
  {
    id: documented(Id, 'The company’s id', [21]),
    name: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Its name, as chat titles show it (1 to 200 characters)',
      examples: ['Northwind Retail']
    }),
    created_at: documented(Timestamp, 'When it was created', ['2026-12-01T09:00:00.000Z'])
  },
  { $id: 'Company', additionalProperties: false, description: 'A company that borrows or lends staff' }
)
export type Company = Static<typeof companySchema>

export const companyDataSchema = Type.Pick(companySchema, ['name'], {
  $id: 'CompanyData',
  additionalProperties: false,
  description: 'A new company',
  examples: [{ name: 'Quayside Logistics' }]
})
export type CompanyData = Static<typeof companyDataSchema>
export const companyDataValidator = getValidator(companyDataSchema, dataValidator)

export const companyPatchSchema = Type.Partial(companyDataSchema, {
  $id: 'CompanyPatch',
  additionalProperties: false,
  minProperties: 1,
  description: 'A new name',
  examples: [{ name: 'Northwind Retail Group' }]
})
export type CompanyPatch = Static<typeof companyPatchSchema>
export const companyPatchValidator = getValidator(companyPatchSchema, dataValidator)

export const companyQuerySchema = querySyntax(Type.Pick(companySchema, ['id', 'name', 'created_at']))
export type CompanyQuery = Static<typeof companyQuerySchema>
export const companyQueryValidator = getValidator(companyQuerySchema, queryValidator)
export const companyQueryResolver = resolve<CompanyQuery, HookContext<CompanyService>>({})
