import { openChannelStream } from '../src/client'
import type { ChannelStream, ChannelView, ClientApplication, Message, Participant } from '../src/client'
import { byId } from './dom'
import type { ChannelList } from './channel-list'
import type { Names } from './names'
import { People } from './people'
import { sentenceFor } from './notices'
import { conversationOnScreen } from './layout'
import { MessageList } from './message-list'
import { Composer } from './composer'

const PAGE = 50

/** The open channel: its history, live messages, deleting and the read position; its Composer sends. */
export class Conversation {
  channel?: ChannelView
  readonly people: People
  private newest = 0
  private readUpTo = 0
  private oldest = Infinity
  private hasOlder = false
  private loadingOlder = false
  private stream?: ChannelStream
  // The log scrolls; the list inside it holds the messages in seq order
  private readonly log = byId('messages')
  private readonly shown: MessageList
  private readonly composer: Composer

  constructor(
    private client: ClientApplication,
    private names: Names,
    private myId: number,
    private channels: ChannelList
  ) {
    this.people = new People(client, names, myId)
    this.shown = new MessageList(myId, (message) => this.remove(message))
    this.composer = new Composer(
      client,
      () => this.channel,
      (message) => this.sent(message),
      (action) => this.guard(action)
    )
    this.log.addEventListener('scroll', () => this.log.scrollTop < 80 && this.loadOlder())
    document.addEventListener('visibilitychange', () => this.markRead())
  }

  async open(channel: ChannelView) {
    if (this.channel && this.channel.id !== channel.id)
      this.presence.leave({ channel_id: this.channel.id }).catch(() => {})
    this.stream?.close()
    this.stream = undefined
    this.channel = channel
    this.shown.reset(channel.last_read_seq)
    this.newest = 0
    this.readUpTo = channel.last_read_seq
    this.oldest = Infinity
    byId('conversation').hidden = false
    byId('typing').textContent = ''
    this.showChannel(channel)
    await this.guard(async () => {
      const [page] = await Promise.all([
        this.service.find({ query: { channel_id: channel.id, $sort: { seq: -1 }, $limit: PAGE } }),
        this.people.load(channel.id)
      ])
      if (this.channel?.id !== channel.id) return
      this.hasOlder = page.data.length === PAGE
      this.add(page.data)
      this.shown.firstPageShown()
      this.follow(channel)
      this.log.scrollTop = this.log.scrollHeight
      await this.presence.view({ channel_id: channel.id })
      await this.markRead()
    })
  }

  /** After a reconnect: view again, and fetch by seq whatever was sent while away. */
  async resume() {
    if (!this.channel) return
    const channel = this.channel
    await this.guard(async () => {
      await this.people.load(channel.id)
      await this.presence.view({ channel_id: channel.id })
      // A stream that was refused (removed, then added again) starts over after what is shown
      this.follow(channel)
    })
  }

  /** Any channel's new message, for the list; the open channel's come through its stream. */
  received(message: Message) {
    this.channels.messageArrived(message, this.isViewing(message.channel_id))
  }

  removed(message: Message) {
    const shown = this.shown.messages.get(message.seq)
    if (!this.isOpen(message.channel_id) || !shown) return
    this.add([{ ...shown, ...message, is_deleted: true }])
  }

  participantPatched(participant: Participant) {
    if (!this.isOpen(participant.channel_id)) return
    this.people.patched(participant)
    this.showReceipt()
  }

  participantRemoved(participant: Participant) {
    if (!this.isOpen(participant.channel_id)) return
    if (participant.user_id !== this.myId) return void this.people.load(participant.channel_id)
    this.composer.disabled = true
    byId('notice').textContent = 'You are no longer in this conversation.'
  }

  channelChanged(channel: ChannelView) {
    if (this.isOpen(channel.id)) this.showChannel({ ...this.channel!, ...channel })
  }

  private get service() {
    return this.client.service('messages')
  }

  private get presence() {
    return this.client.service('presence')
  }

  private isOpen = (channelId: number) => this.channel?.id === channelId

  private isViewing = (channelId: number) =>
    this.isOpen(channelId) && document.visibilityState === 'visible' && conversationOnScreen()

  private nearBottom = () => this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 80

  private showChannel(channel: ChannelView) {
    this.channel = channel
    byId('channel-title').textContent = channel.title
    const status = channel.summary?.status.replace('_', ' ')
    byId('channel-summary').textContent = status
      ? `${channel.context_type === 'booking' ? 'Booking' : 'Dispute'} ${status}`
      : ''
    const frozen = channel.status === 'frozen'
    this.composer.disabled = frozen
    byId('notice').textContent = frozen
      ? 'This conversation is closed: it can be read but no longer written to.'
      : ''
  }

  /**
   * The open channel's messages after those shown, in seq order without gaps, through the
   * client package's stream: it waits briefly for a late predecessor, fetches a gap by seq,
   * and fetches what was missed after every (re)login.
   */
  private follow(channel: ChannelView) {
    this.stream?.close()
    this.stream = openChannelStream(this.client, channel.id, {
      fromSeq: this.newest,
      onMessage: (message) => this.streamed(message),
      onError: (error) => (byId('notice').textContent = sentenceFor(error))
    })
  }

  // A fetched page arrives one message at a time: shown and marked read once per batch
  private pending: Message[] = []
  private streamed(message: Message) {
    if (this.pending.push(message) > 1) return
    queueMicrotask(() => {
      const batch = this.pending.splice(0)
      if (!this.isOpen(batch[0].channel_id)) return
      this.add(batch, this.nearBottom())
      this.markRead()
    })
  }

  private async loadOlder() {
    if (!this.channel || !this.hasOlder || this.loadingOlder) return
    this.loadingOlder = true
    const channel = this.channel
    await this.guard(async () => {
      const page = await this.service.find({
        query: { channel_id: channel.id, seq: { $lt: this.oldest }, $sort: { seq: -1 }, $limit: PAGE }
      })
      if (this.channel?.id !== channel.id) return
      const before = this.log.scrollHeight
      this.hasOlder = page.data.length === PAGE
      this.add(page.data)
      this.log.scrollTop += this.log.scrollHeight - before
    })
    this.loadingOlder = false
  }

  /** Shows messages (new ones, or new copies of shown ones) and keeps the bookkeeping by seq. */
  private add(messages: Message[], scroll = false) {
    for (const message of messages) {
      this.names.remember(message.sender.id, message.sender.name)
      this.newest = Math.max(this.newest, message.seq)
      this.oldest = Math.min(this.oldest, message.seq)
    }
    this.shown.put(messages)
    if (scroll) this.log.scrollTop = this.log.scrollHeight
    this.showReceipt()
  }

  private showReceipt() {
    this.shown.showReceipt((seq) => this.people.seenBy(seq))
  }

  /** One's own message, once the server took it. */
  private sent(message: Message) {
    this.received(message)
    // Shown at once; the stream hands out the same seq later, which replaces it
    this.add([message], true)
    this.log.scrollTop = this.log.scrollHeight
  }

  private async remove(message: Message) {
    await this.guard(async () => this.removed(await this.service.remove(message.id)))
  }

  /** Moves the read position to the newest message while the channel is on screen. */
  private async markRead() {
    const channel = this.channel
    if (!channel || !this.isViewing(channel.id)) return
    this.channels.markedRead(channel.id)
    if (this.newest <= this.readUpTo) return
    this.readUpTo = this.newest
    const own = { query: { channel_id: channel.id } }
    // An admin reading a channel they are not in has no read position to move
    await this.client
      .service('participants')
      .patch(null, { last_read_seq: this.newest }, own)
      .catch(() => {})
  }

  private async guard(action: () => Promise<void>) {
    try {
      await action()
      if (this.channel?.status !== 'frozen') byId('notice').textContent = ''
    } catch (error) {
      byId('notice').textContent = sentenceFor(error)
    }
  }
}
