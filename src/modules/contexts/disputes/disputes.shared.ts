import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../../client'
import type { Dispute, DisputeData, DisputePatch, DisputeQuery, DisputeService } from './disputes.class'

export type { Dispute, DisputeData, DisputePatch, DisputeQuery }

export type DisputeClientService = Pick<DisputeService<Params<DisputeQuery>>, (typeof disputeMethods)[number]>

export const disputePath = 'disputes'

export const disputeMethods: Array<keyof DisputeService> = ['find', 'get', 'create', 'patch']

export const disputeClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(disputePath, connection.service(disputePath), { methods: disputeMethods })
}

declare module '../../../client' {
  interface ServiceTypes {
    [disputePath]: DisputeClientService
  }
}
