import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../../client'
import type { PhoneConfirmation, PhoneConfirmationData } from './phone-confirmations.schema'

export type { PhoneConfirmation, PhoneConfirmationData }

export type PhoneConfirmationClientService = {
  create(data: PhoneConfirmationData, params?: Params): Promise<PhoneConfirmation>
}

export const phoneConfirmationPath = 'phone-confirmations'

export const phoneConfirmationMethods = ['create'] as const

export const phoneConfirmationClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(phoneConfirmationPath, connection.service(phoneConfirmationPath), {
    methods: [...phoneConfirmationMethods]
  })
}

declare module '../../../client' {
  interface ServiceTypes {
    [phoneConfirmationPath]: PhoneConfirmationClientService
  }
}
