import { io } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import { createClient } from '../src/client'
import type { ServiceEventListeners, ServiceEvents, User } from '../src/client'
import { byId } from './dom'
import { ChannelList } from './channel-list'
import { Conversation } from './conversation'
import { MessageSearch } from './search'
import { Names } from './names'
import { signInSentence } from './notices'
import { followBack, isNarrow, showConversation } from './layout'

// The page may be served elsewhere (another origin) and name its API with <meta name="chat-api">
const apiUrl = document.querySelector<HTMLMetaElement>('meta[name="chat-api"]')?.content || location.origin

// Default transports on purpose: long-polling first gets through proxies that block WebSockets.
// The reconnection backoff is the README's: a restarted instance is not stormed.
const socket = io(apiUrl, { reconnectionDelay: 1000, reconnectionDelayMax: 10_000, randomizationFactor: 0.5 })
const client = createClient(socketio(socket))

let session: { user: User; channels: ChannelList; conversation: Conversation } | undefined

function showSignIn(message = '') {
  byId('chat').hidden = true
  byId('sign-in').hidden = false
  byId('sign-in-error').textContent = message
  byId<HTMLInputElement>('email').focus()
}

async function start(user: User) {
  const names = new Names(client)
  names.remember(user.id, user.name)
  const channels: ChannelList = new ChannelList(client, user.id, (channel) => {
    showConversation()
    conversation.open(channel)
  })
  const conversation = new Conversation(client, names, user.id, channels)
  new MessageSearch(client, channels)
  session = { user, channels, conversation }
  byId('sign-in').hidden = true
  byId('chat').hidden = false
  byId('me').textContent = `Signed in as ${user.name}`
  followBack(() => document.querySelector<HTMLElement>('#channel-list [aria-current="true"]')?.focus())
  await channels.refresh()
  // A phone starts at the list: opening a channel behind it would mark it read unseen
  if (isNarrow()) return
  const first = [...channels.channels.values()].sort((a, b) => b.unread_count - a.unread_count)[0]
  if (first) channels.open(first.id)
}

// Every (re)authentication: the first starts the page, later ones follow a reconnect
client.on('login', ({ user }: { user: User }) => {
  if (!session) return void start(user)
  session.channels.refresh().then(() => session?.conversation.resume())
})

const live = <P extends keyof ServiceEvents, E extends keyof ServiceEvents[P] & string>(
  path: P,
  event: E,
  handle: (data: ServiceEvents[P][E]) => void
) =>
  (client.service(path) as ServiceEventListeners<ServiceEvents[P]>).on(
    event,
    (data) => session && handle(data)
  )

live('messages', 'created', (message) => session!.conversation.received(message))
live('messages', 'removed', (message) => {
  session!.channels.messageRemoved(message)
  session!.conversation.removed(message)
})
live('participants', 'patched', (participant) => session!.conversation.participantPatched(participant))
live(
  'participants',
  'created',
  (participant) =>
    session!.conversation.channel?.id === participant.channel_id && session!.conversation.resume()
)
live('participants', 'removed', (participant) => {
  session!.conversation.participantRemoved(participant)
  session!.channels.refresh()
})
live('channels', 'created', (channel) => session!.channels.upsert(channel))
live('channels', 'patched', async (channel) => {
  // The channel's row, without what only a viewer has (title, unread): merged into the view held
  const known = session!.channels.channels.get(channel.id)
  if (known) {
    session!.channels.upsert({ ...known, ...channel })
    session!.conversation.channelChanged({ ...known, ...channel })
  }
  // The event carries the channel's status, not its context's: read the view again for that
  await session!.channels.refresh().catch(() => {})
  const view = session?.channels.channels.get(channel.id)
  if (view) session!.conversation.channelChanged(view)
})
live('presence', 'patched', (status) => session!.conversation.people.presenceChanged(status))
live(
  'presence',
  'typing',
  (event) =>
    session!.conversation.channel?.id === event.channel_id &&
    session!.conversation.people.typingChanged(event)
)

socket.on('disconnect', () => (byId('connection').textContent = 'Connection lost. Reconnecting…'))
socket.on('connect', () => {
  byId('connection').textContent = ''
  // A token that expired while away is refused on reconnect: start again from the sign-in form
  client.reAuthenticate().catch(() => session && location.reload())
})

byId('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const email = byId<HTMLInputElement>('email').value.trim()
  const password = byId<HTMLInputElement>('password').value
  if (!email || !password) return showSignIn('Enter your email and password.')
  try {
    await client.authenticate({ strategy: 'local', email, password })
  } catch (error) {
    showSignIn(signInSentence(error))
  }
})

byId('sign-out').addEventListener('click', async () => {
  await client.logout().catch(() => {})
  location.reload()
})

// A stored token (a reload, a new tab) signs in without asking again
client.reAuthenticate().catch(() => showSignIn())
