import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../../../client'
import type { Notification, NotificationQuery, NotificationService } from './notifications.class'

export type { Notification, NotificationQuery }

export type NotificationClientService = Pick<NotificationService, 'get'> & {
  find(params?: Params<NotificationQuery>): ReturnType<NotificationService['find']>
}

export const notificationPath = 'notifications'

export const notificationMethods = ['find', 'get'] as const

export const notificationClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(notificationPath, connection.service(notificationPath), { methods: [...notificationMethods] })
}

declare module '../../../../client' {
  interface ServiceTypes {
    [notificationPath]: NotificationClientService
  }
}
