import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../../../client'
import type { ChannelEvent, ChannelEventQuery, ChannelEventService } from './channel-events.class'

export type { ChannelEvent, ChannelEventQuery }

export type ChannelEventClientService = Pick<ChannelEventService, 'get'> & {
  find(params: Params<ChannelEventQuery>): ReturnType<ChannelEventService['find']>
}

export const channelEventPath = 'channel-events'

// The record is written by the database as things happen: nothing to create, change or remove
export const channelEventMethods = ['find', 'get'] as const

export const channelEventClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(channelEventPath, connection.service(channelEventPath), { methods: [...channelEventMethods] })
}

declare module '../../../../client' {
  interface ServiceTypes {
    [channelEventPath]: ChannelEventClientService
  }
}
