/**
 * Compile-time checks of the client's typed events and sign-in result. `npm run typecheck`
 * checks this file against the client's source, and test/client/examples-compile.test.ts
 * against the built package: every `@ts-expect-error` must be needed, so a wrong use that
 * compiled would fail both.
 */
import type {
  AuthenticationResult,
  Channel,
  ChannelView,
  ClientApplication,
  Message,
  Participant,
  Presence,
  TypingEvent
} from '../../src/client'

export function listen(client: ClientApplication) {
  // What each event carries
  client.service('messages').on('created', (message: Message) => message.seq)
  client.service('messages').on('created', (message) => message.sender.name.length + message.channel_id)
  client.service('messages').once('removed', (tombstone: Message) => tombstone.is_deleted)
  client.service('participants').on('patched', (participant: Participant) => participant.last_read_seq)
  client.service('participants').on('removed', (participant) => participant.removed_at)
  client.service('channels').on('created', (view: ChannelView) => view.unread_count)
  client.service('channels').on('patched', (channel: Channel) => channel.status)
  client.service('presence').on('patched', (presence: Presence) => presence.online)
  client.service('presence').on('typing', (typing: TypingEvent) => typing.user_id)
  const typing = (event: TypingEvent) => event.typing
  client.service('presence').off('typing', typing)

  // @ts-expect-error a message is not a channel view
  client.service('messages').on('created', (view: ChannelView) => view.title)
  // @ts-expect-error a message has no title
  client.service('messages').on('created', (message) => message.title)
  // @ts-expect-error messages are never patched: history is append-only
  client.service('messages').on('patched', (message: Message) => message.seq)
  // @ts-expect-error `channels patched` carries the channel's row, not a person's view of it
  client.service('channels').on('patched', (view: ChannelView) => view.unread_count)
  // @ts-expect-error typing is an event of presence, not of messages
  client.service('messages').on('typing', () => undefined)
  // @ts-expect-error users send no events to clients
  client.service('users').on('patched', () => undefined)
  // @ts-expect-error removing a listener of another payload
  client.service('presence').off('typing', (presence: Presence) => presence.online)
}

export async function signIn(client: ClientApplication): Promise<string> {
  const result: AuthenticationResult = await client.authenticate({
    strategy: 'local',
    email: 'person@example.com',
    password: 'a password'
  })
  const expiresAt: number = result.authentication.payload.exp
  const again = await client.reAuthenticate()
  // @ts-expect-error the password hash is never part of the result
  void result.user.password
  // @ts-expect-error a login names its strategy
  await client.authenticate({ email: 'person@example.com', password: 'a password' })
  return `${result.accessToken} ${expiresAt} ${result.user.name} ${again.user.id}`
}
