import type { ChainEvent } from './chain-encoding'

type Names = Map<number, string>

const words = (value: string | null) => (value ?? '').replace(/_/g, ' ')
const nameOf = (names: Names, id: number | null) =>
  id === null ? 'someone' : (names.get(id) ?? `user ${id}`)

/**
 * The system line a channel's history shows for one of its events, the way the
 * business reads its own audit trail: "Ben joined as worker", "Channel frozen: booking
 * completed". People are named as the event chained them (format 2), else from `names`.
 * Plain text: whoever shows it escapes it like any other text.
 */
export function eventText(
  event: Pick<ChainEvent, 'kind' | 'actor_id' | 'user_id' | 'detail' | 'actor_name' | 'user_name'>,
  names: Names,
  contextType: string
) {
  const person = event.user_name ?? nameOf(names, event.user_id)
  const actor = event.actor_name ?? nameOf(names, event.actor_id)
  switch (event.kind) {
    case 'participant.joined':
      return `${person} joined as ${words(event.detail)}`
    case 'participant.left':
      return `${person} left`
    case 'participant.role_changed':
      return `${person} is now ${words(event.detail)}`
    case 'message.deleted':
      if (event.actor_id === null) return `A message from ${person} was deleted`
      if (event.actor_id === event.user_id) return `${person} deleted a message`
      return `${actor} deleted a message from ${person}`
    case 'channel.frozen':
      return `Channel frozen: ${contextType} ${words(event.detail)}`
    case 'channel.reopened':
      return `Channel reopened: ${contextType} ${words(event.detail)}`
    case 'channel.opened':
      return `Channel opened for ${(event.detail ?? '').replace(':', ' #')}`
    case 'channel.bound':
      return `Channel bound to ${(event.detail ?? '').replace(':', ' #')}`
    default:
      return event.kind
  }
}

/** Everyone an event names, for one lookup of their names. */
export const peopleOf = (events: Array<Pick<ChainEvent, 'actor_id' | 'user_id'>>) =>
  events.flatMap((event) => [event.actor_id, event.user_id]).filter((id): id is number => id !== null)
