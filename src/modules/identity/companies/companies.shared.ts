import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../../client'
import type { Company, CompanyData, CompanyPatch, CompanyQuery, CompanyService } from './companies.class'

export type { Company, CompanyData, CompanyPatch, CompanyQuery }

export type CompanyClientService = Pick<CompanyService<Params<CompanyQuery>>, (typeof companyMethods)[number]>

export const companyPath = 'companies'

export const companyMethods: Array<keyof CompanyService> = ['find', 'get', 'create', 'patch']

export const companyClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(companyPath, connection.service(companyPath), { methods: companyMethods })
}

declare module '../../../client' {
  interface ServiceTypes {
    [companyPath]: CompanyClientService
  }
}
