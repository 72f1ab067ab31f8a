import type { ClientApplication } from '../../../../client'
import type { ChannelRef, Presence, PresenceQuery, PresenceService, Typing } from './presence.class'
import type { TypingEvent } from './presence.schema'

export type { ChannelRef, Presence, PresenceQuery, Typing, TypingEvent }

export type PresenceClientService = Pick<PresenceService, 'find' | 'view' | 'leave' | 'typing'>

export const presencePath = 'presence'

// `view`, `leave` and `typing` are Socket.io calls: they act on the calling connection
export const presenceMethods = ['find', 'view', 'leave', 'typing'] as const

export const presenceClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(presencePath, connection.service(presencePath), {
    methods: [...presenceMethods],
    events: ['typing']
  })
}

declare module '../../../../client' {
  interface ServiceTypes {
    [presencePath]: PresenceClientService
  }
  interface ServiceEvents {
    // `patched`: someone who shares a channel came online or went offline; `typing`: to the channel's viewers
    [presencePath]: { patched: Presence; typing: TypingEvent }
  }
}
