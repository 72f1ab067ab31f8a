import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../../declarations'
import type { Dispute, DisputeData, DisputePatch, DisputeQuery } from './disputes.schema'

export type { Dispute, DisputeData, DisputePatch, DisputeQuery }

export interface DisputeParams extends KnexAdapterParams<DisputeQuery> {}

export class DisputeService<ServiceParams extends DisputeParams = DisputeParams> extends KnexService<
  Dispute,
  DisputeData,
  ServiceParams,
  DisputePatch
> {}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'disputes'
})
