import type { Params } from '@feathersjs/feathers'
import type { ClientApplication } from '../../../../client'
import type { Message, MessageData, MessageQuery, MessageService } from './messages.class'
import type { Sender } from './messages.schema'

export type { Message, MessageData, MessageQuery, Sender }

export type MessageClientService = Pick<MessageService, 'get' | 'remove'> & {
  find(params: Params<MessageQuery>): ReturnType<MessageService['find']>
  create(data: MessageData, params?: Params): Promise<Message>
}

export const messagePath = 'messages'

// History is append-only: no update or patch (405); remove is a soft delete
export const messageMethods = ['find', 'get', 'create', 'remove'] as const

export const messageClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(messagePath, connection.service(messagePath), { methods: [...messageMethods] })
}

declare module '../../../../client' {
  interface ServiceTypes {
    [messagePath]: MessageClientService
  }
  interface ServiceEvents {
    // `removed` carries a tombstone (no content) to everyone but admins
    [messagePath]: { created: Message; removed: Message }
  }
}
