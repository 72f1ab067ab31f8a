/**
 * A complete web app on @context-chat/client: sign in (or resume the session whose token
 * the browser kept), list the person's channels, open one as a stream of messages in
 * order, send, mark read, and show who is typing and who is online. Bundle it with any
 * bundler (esbuild, Vite) for a page with an empty <main>. Everything people wrote is
 * shown with textContent, never as HTML.
 */
import { createClient, io, openChannelStream, socketio } from '@context-chat/client'
import type {
  AuthenticationResult,
  Channel,
  ChannelStream,
  ChannelView,
  Message,
  Participant,
  Presence,
  TypingEvent
} from '@context-chat/client'

const CHAT_URL = 'https://chat.example.com'

// Websocket only: no long-polling round trips; Socket.io reconnects by itself with backoff
const socket = io(CHAT_URL, {
  transports: ['websocket'],
  reconnectionDelay: 1000,
  reconnectionDelayMax: 10_000,
  randomizationFactor: 0.5
})
// In a browser the token is kept in the origin's localStorage: a reload signs in by itself
const client = createClient(socketio(socket))

const main = document.querySelector('main')!
const channelList = main.appendChild(document.createElement('ul'))
const conversation = main.appendChild(document.createElement('section'))
const channels = new Map<number, ChannelView>()
const online = new Map<number, boolean>()
let open:
  { channel: ChannelView; stream: ChannelStream; list: HTMLOListElement; typing: HTMLElement } | undefined

const element = <K extends keyof HTMLElementTagNameMap>(tag: K, text = '') => {
  const made = document.createElement(tag)
  made.textContent = text
  return made
}

/** The stored token if it is still good, else the login form. */
async function signIn(): Promise<AuthenticationResult> {
  try {
    return await client.reAuthenticate()
  } catch {
    // No token stored, or it has expired (or the password changed since): ask
  }
  const form = main.appendChild(element('form'))
  const email = form.appendChild(Object.assign(element('input'), { type: 'email', placeholder: 'Email' }))
  const password = form.appendChild(
    Object.assign(element('input'), { type: 'password', placeholder: 'Password' })
  )
  form.appendChild(element('button', 'Sign in'))
  for (;;) {
    await new Promise((resolve) => form.addEventListener('submit', resolve, { once: true }))
    try {
      const result = await client.authenticate({
        strategy: 'local',
        email: email.value,
        password: password.value
      })
      form.remove()
      return result
    } catch (error) {
      alert(`Could not sign in: ${(error as Error).message}`)
    }
  }
}

function showChannel(channel: ChannelView) {
  channels.set(channel.id, channel)
  const item = document.getElementById(`channel-${channel.id}`) ?? channelList.appendChild(element('li'))
  item.id = `channel-${channel.id}`
  item.textContent = `${channel.title}${channel.status === 'frozen' ? ' (read-only)' : ''} (${channel.unread_count})`
  item.onclick = () => openChannel(channel)
}

function showMessage(list: HTMLOListElement, message: Message) {
  const item = document.getElementById(`message-${message.id}`) ?? list.appendChild(element('li'))
  item.id = `message-${message.id}`
  const dot = online.get(message.sender_id) ? '●' : '○'
  item.textContent = message.is_deleted
    ? `${message.sender.name}: (deleted)`
    : `${dot} ${message.sender.name}: ${message.content ?? ''}`
}

async function openChannel(channel: ChannelView) {
  if (open) {
    open.stream.close()
    await client.service('presence').leave({ channel_id: open.channel.id })
  }
  conversation.replaceChildren(element('h2', channel.title))
  const list = conversation.appendChild(element('ol'))
  const typing = conversation.appendChild(element('p'))
  const input = conversation.appendChild(element('input'))
  input.disabled = channel.status === 'frozen'
  // The messages in seq order, each once, including those sent while this page was offline
  const stream = openChannelStream(client, channel.id, {
    onMessage: (message) => {
      showMessage(list, message)
      void client
        .service('participants')
        .patch(null, { last_read_seq: message.seq }, { query: { channel_id: channel.id } })
    },
    onRemoved: (tombstone) => showMessage(list, tombstone),
    onError: (error) => console.warn('could not fetch messages', error)
  })
  open = { channel, stream, list, typing }
  // Viewing the channel is what makes its typing indicators reach this connection
  await client.service('presence').view({ channel_id: channel.id })
  input.oninput = () =>
    void client.service('presence').typing({ channel_id: channel.id, typing: input.value !== '' })
  input.onkeydown = async (event) => {
    if (event.key !== 'Enter' || !input.value.trim()) return
    // client_id makes a resend after a dropped connection land once
    await client
      .service('messages')
      .create({ channel_id: channel.id, content: input.value, client_id: crypto.randomUUID() })
    input.value = ''
  }
}

// Live events, typed by what the server sends: a listener for a payload the event does not carry does not compile
client.service('channels').on('created', (channel: ChannelView) => showChannel(channel))
client.service('channels').on('patched', (channel: Channel) => {
  const known = channels.get(channel.id)
  if (known) showChannel({ ...known, status: channel.status })
})
client.service('participants').on('patched', (participant: Participant) => {
  if (participant.channel_id === open?.channel.id)
    console.info(`user ${participant.user_id} read up to ${participant.last_read_seq}`)
})
client
  .service('presence')
  .on('patched', (presence: Presence) => online.set(presence.user_id, presence.online))
client.service('presence').on('typing', (event: TypingEvent) => {
  if (open && event.channel_id === open.channel.id)
    open.typing.textContent = event.typing ? `user ${event.user_id} is typing…` : ''
})

const { user } = await signIn()
main.prepend(element('p', `Signed in as ${user.name}`))
const page = await client.service('channels').find({ query: { $limit: 50 } })
page.data.forEach(showChannel)
document.title = `(${page.total_unread}) Chat`
