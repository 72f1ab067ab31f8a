import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../../../client'
import type {
  Channel,
  ChannelData,
  ChannelPage,
  ChannelQuery,
  ChannelService,
  ChannelView
} from './channels.class'
import type { ContextSummary, LastMessage } from './channels.schema'

export type { Channel, ChannelData, ChannelPage, ChannelQuery, ChannelView, ContextSummary, LastMessage }

export type ChannelClientService = Pick<ChannelService, (typeof channelMethods)[number]> & {
  find(params?: Params<ChannelQuery>): ReturnType<ChannelService['find']>
}

export const channelPath = 'channels'

// Channels are immutable from outside: no update, patch or remove (405)
export const channelMethods = ['find', 'get', 'create'] as const

export const channelClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(channelPath, connection.service(channelPath), { methods: [...channelMethods] })
}

declare module '../../../../client' {
  interface ServiceTypes {
    [channelPath]: ChannelClientService
  }
  interface ServiceEvents {
    // `created` goes to a person who joined a channel, as they see it; `patched` to all when its status changes
    [channelPath]: { created: ChannelView; patched: Channel }
  }
}
