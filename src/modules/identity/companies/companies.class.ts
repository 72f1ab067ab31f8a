import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../../declarations'
import type { Company, CompanyData, CompanyPatch, CompanyQuery } from './companies.schema'

export type { Company, CompanyData, CompanyPatch, CompanyQuery }

export interface CompanyParams extends KnexAdapterParams<CompanyQuery> {}

export class CompanyService<ServiceParams extends CompanyParams = CompanyParams> extends KnexService<
  Company,
  CompanyData,
  ServiceParams,
  CompanyPatch
> {}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'companies'
})
