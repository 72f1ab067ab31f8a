import type { ClientApplication } from '../../../../client'
import type { ContactFinding, ContactFindingService } from './contact-findings.class'

export type { ContactFinding }

export type ContactFindingClientService = Pick<ContactFindingService, 'find' | 'get' | 'patch'>

export const contactFindingPath = 'contact-findings'

export const contactFindingMethods = ['find', 'get', 'patch'] as const

export const contactFindingClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(contactFindingPath, connection.service(contactFindingPath), {
    methods: [...contactFindingMethods]
  })
}

declare module '../../../../client' {
  interface ServiceTypes {
    [contactFindingPath]: ContactFindingClientService
  }
}
