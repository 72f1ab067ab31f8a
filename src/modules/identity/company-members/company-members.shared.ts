import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../../client'
import type {
  CompanyMember,
  CompanyMemberData,
  CompanyMemberPatch,
  CompanyMemberQuery,
  CompanyMemberService
} from './company-members.class'

export type { CompanyMember, CompanyMemberData, CompanyMemberPatch, CompanyMemberQuery }

export type CompanyMemberClientService = Pick<
  CompanyMemberService<Params<CompanyMemberQuery>>,
  (typeof companyMemberMethods)[number]
>

export const companyMemberPath = 'company-members'

export const companyMemberMethods: Array<keyof CompanyMemberService> = [
  'find',
  'get',
  'create',
  'patch',
  'remove'
]

export const companyMemberClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(companyMemberPath, connection.service(companyMemberPath), { methods: companyMemberMethods })
}

declare module '../../../client' {
  interface ServiceTypes {
    [companyMemberPath]: CompanyMemberClientService
  }
}
