import type { HookContext } from '../../../declarations'
import type { Message } from '../services/messages/messages.schema'

/**
 * Gives each message in the result its `sender: {id, name}`. The caller's own name is
 * at hand, so a send reads nothing; other names come from the users service's cache,
 * in one lookup for a whole page (a per-record resolver would ask once per message).
 */
export const attachSenders = async (context: HookContext) => {
  const messages: Message[] = context.method === 'find' ? context.result.data : [context.result]
  const caller = context.params.user
  const own = (message: Message) => caller?.name !== undefined && message.sender_id === caller.id
  const others = messages.filter((message) => !own(message)).map((message) => message.sender_id)
  const names = others.length ? await context.app.service('users').namesOf(others) : new Map()
  const withSender = (message: Message): Message => ({
    ...message,
    sender: {
      id: message.sender_id,
      name: own(message) ? caller!.name : (names.get(message.sender_id) ?? '')
    }
  })
  context.result =
    context.method === 'find'
      ? { ...context.result, data: messages.map(withSender) }
      : withSender(context.result)
}
