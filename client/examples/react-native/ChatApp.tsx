/**
 * A React Native app on @context-chat/client: the token is kept in AsyncStorage so that
 * the app signs in again by itself after a restart, the socket uses the websocket
 * transport only (React Native has no cookies for long-polling's sticky sessions, and
 * needs no fallback), and one channel is shown as a stream of messages in order.
 */
import AsyncStorage from '@react-native-async-storage/async-storage'
import { useEffect, useState } from 'react'
import { Button, FlatList, Text, TextInput, View } from 'react-native'
import { createClient, io, openChannelStream, socketio } from '@context-chat/client'
import type { AuthenticationResult, ChannelView, Message, TypingEvent } from '@context-chat/client'

const CHAT_URL = 'https://chat.example.com'

const socket = io(CHAT_URL, {
  transports: ['websocket'],
  reconnectionDelay: 1000,
  reconnectionDelayMax: 10_000
})
// Feathers' storage may answer with promises: AsyncStorage is used as it is
const client = createClient(socketio(socket), { storage: AsyncStorage, storageKey: 'chat-token' })

function Login({ onSignedIn }: { onSignedIn: (session: AuthenticationResult) => void }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [problem, setProblem] = useState('')
  const signIn = () =>
    client
      .authenticate({ strategy: 'local', email, password })
      .then(onSignedIn, (error: Error) => setProblem(error.message))
  return (
    <View>
      <TextInput value={email} onChangeText={setEmail} placeholder="Email" autoCapitalize="none" />
      <TextInput value={password} onChangeText={setPassword} placeholder="Password" secureTextEntry />
      <Button title="Sign in" onPress={signIn} />
      {problem ? <Text>{problem}</Text> : null}
    </View>
  )
}

function Conversation({ channel }: { channel: ChannelView }) {
  const [messages, setMessages] = useState<Message[]>([])
  const [typing, setTyping] = useState<TypingEvent | null>(null)
  const [draft, setDraft] = useState('')

  useEffect(() => {
    // In seq order, each once, refetching after every reconnect: nothing sent meanwhile is lost
    const stream = openChannelStream(client, channel.id, {
      onMessage: (message) => setMessages((shown) => [...shown, message]),
      onRemoved: (tombstone) =>
        setMessages((shown) => shown.map((m) => (m.id === tombstone.id ? tombstone : m)))
    })
    const typingChanged = (event: TypingEvent) => {
      if (event.channel_id === channel.id) setTyping(event.typing ? event : null)
    }
    const presence = client.service('presence')
    presence.on('typing', typingChanged)
    void presence.view({ channel_id: channel.id })
    return () => {
      stream.close()
      presence.off('typing', typingChanged)
      void presence.leave({ channel_id: channel.id })
    }
  }, [channel.id])

  const send = async () => {
    if (!draft.trim()) return
    await client.service('messages').create({ channel_id: channel.id, content: draft })
    setDraft('')
  }
  return (
    <View>
      <Text>{channel.title}</Text>
      <FlatList
        data={messages}
        keyExtractor={(message) => String(message.id)}
        renderItem={({ item }) => (
          <Text>
            {item.is_deleted
              ? `${item.sender.name}: (deleted)`
              : `${item.sender.name}: ${item.content ?? ''}`}
          </Text>
        )}
      />
      {typing ? <Text>{`user ${typing.user_id} is typing…`}</Text> : null}
      <TextInput
        value={draft}
        editable={channel.status === 'active'}
        onChangeText={(text) => {
          setDraft(text)
          void client.service('presence').typing({ channel_id: channel.id, typing: text !== '' })
        }}
      />
      <Button title="Send" onPress={send} />
    </View>
  )
}

export function ChatApp() {
  // undefined: still looking for a stored token
  const [session, setSession] = useState<AuthenticationResult | null | undefined>(undefined)
  const [channels, setChannels] = useState<ChannelView[]>([])
  const [open, setOpen] = useState<ChannelView | null>(null)

  useEffect(() => {
    client.reAuthenticate().then(setSession, () => setSession(null))
    const joined = (channel: ChannelView) => setChannels((known) => [channel, ...known])
    client.service('channels').on('created', joined)
    return () => void client.service('channels').off('created', joined)
  }, [])
  useEffect(() => {
    if (session)
      void client
        .service('channels')
        .find()
        .then((page) => setChannels(page.data))
  }, [session])

  if (session === undefined) return <Text>Loading…</Text>
  if (session === null) return <Login onSignedIn={setSession} />
  if (open) return <Conversation channel={open} />
  return (
    <View>
      <Text>{`Signed in as ${session.user.name}`}</Text>
      <FlatList
        data={channels}
        keyExtractor={(channel) => String(channel.id)}
        renderItem={({ item }) => (
          <Button title={`${item.title} (${item.unread_count})`} onPress={() => setOpen(item)} />
        )}
      />
    </View>
  )
}
