import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../../declarations'
import type {
  CompanyMember,
  CompanyMemberData,
  CompanyMemberPatch,
  CompanyMemberQuery
} from './company-members.schema'

export type { CompanyMember, CompanyMemberData, CompanyMemberPatch, CompanyMemberQuery }

export interface CompanyMemberParams extends KnexAdapterParams<CompanyMemberQuery> {}

export class CompanyMemberService<
  ServiceParams extends CompanyMemberParams = CompanyMemberParams
> extends KnexService<CompanyMember, CompanyMemberData, ServiceParams, CompanyMemberPatch> {}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'company_members'
})
