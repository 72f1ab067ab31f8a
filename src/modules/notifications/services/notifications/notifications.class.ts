import { KnexService } from '@feathersjs/knex'
import type { KnexAdapterOptions, KnexAdapterParams } from '@feathersjs/knex'
import type { Application } from '../../../../declarations'
import type { Notification, NotificationQuery } from './notifications.schema'

export type { Notification, NotificationQuery }

export interface NotificationParams extends KnexAdapterParams<NotificationQuery> {}

// Written by the scheduler only; read-only from outside
export class NotificationService extends KnexService<Notification, never, NotificationParams> {}

export const getOptions = (app: Application): KnexAdapterOptions => ({
  paginate: app.get('paginate'),
  Model: app.get('postgresqlClient'),
  name: 'notifications'
})
