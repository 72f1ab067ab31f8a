import type { ChannelView, ClientApplication, Message } from '../src/client'
import { byId, h, spoken } from './dom'

const newestFirst = (a: ChannelView, b: ChannelView) =>
  (b.last_message_at ?? b.created_at).localeCompare(a.last_message_at ?? a.created_at)

/** The channels one belongs to, newest activity first, with unread badges and their total. */
export class ChannelList {
  readonly channels = new Map<number, ChannelView>()
  openId?: number
  // From the server on each refresh: it also counts channels beyond the first page
  private totalUnread = 0
  // Refreshes may overlap (a status change during the first load) and answer in any order
  private refreshes = 0
  private latest: Promise<void> = Promise.resolve()

  constructor(
    private client: ClientApplication,
    private myId: number,
    private onOpen: (channel: ChannelView) => void
  ) {}

  /** Reads the list again; an answer overtaken by a later refresh's is dropped, and waits for that one. */
  refresh(): Promise<void> {
    this.latest = this.load(++this.refreshes)
    return this.latest
  }

  private async load(ticket: number): Promise<void> {
    const page = await this.client.service('channels').find({ query: { $limit: 100 } })
    if (ticket !== this.refreshes) return this.latest
    this.channels.clear()
    for (const channel of page.data) this.channels.set(channel.id, channel)
    this.totalUnread = page.total_unread
    this.render()
  }

  upsert(channel: ChannelView) {
    const known = this.channels.get(channel.id)
    if (!known) this.totalUnread += channel.unread_count
    this.channels.set(channel.id, { ...known, ...channel })
    this.render()
  }

  messageArrived(message: Message, seenNow: boolean) {
    const channel = this.channels.get(message.channel_id)
    if (!channel) return
    channel.last_seq = Math.max(channel.last_seq, message.seq)
    channel.last_message_at = message.created_at
    const { id, seq, sender, content = '', created_at } = message
    channel.last_message = { id, seq, sender, content, created_at }
    if (!seenNow && message.sender_id !== this.myId) {
      channel.unread_count += 1
      this.totalUnread += 1
    }
    this.render()
  }

  messageRemoved(message: Message) {
    const channel = this.channels.get(message.channel_id)
    if (!channel || channel.last_message?.id !== message.id) return
    channel.last_message = {
      id: message.id,
      seq: message.seq,
      is_deleted: true,
      deleted_at: message.deleted_at ?? message.created_at
    }
    this.render()
  }

  markedRead(channelId: number) {
    const channel = this.channels.get(channelId)
    if (channel && channel.unread_count) {
      this.totalUnread = Math.max(0, this.totalUnread - channel.unread_count)
      channel.unread_count = 0
      this.render()
    }
  }

  open(id: number) {
    const channel = this.channels.get(id)
    if (!channel) return
    this.openId = id
    this.render()
    this.onOpen(channel)
  }

  render() {
    const sorted = [...this.channels.values()].sort(newestFirst)
    const total = this.totalUnread
    const badge = byId('total-unread')
    badge.hidden = total === 0
    badge.replaceChildren(String(total), spoken(' unread in all'))
    byId('channel-list').replaceChildren(...sorted.map((channel) => this.item(channel)))
    if (!sorted.length) byId('channel-list').append(h('li', { class: 'empty' }, 'No conversations yet.'))
  }

  private item(channel: ChannelView) {
    const last = channel.last_message
    const preview = !last
      ? ''
      : 'content' in last
        ? `${last.sender.name}: ${last.content}`
        : 'Message deleted'
    return h(
      'li',
      {},
      h(
        'button',
        {
          type: 'button',
          'aria-current': channel.id === this.openId ? 'true' : 'false',
          onclick: () => this.open(channel.id)
        },
        h('span', { class: 'title' }, channel.title, preview && h('span', { class: 'preview' }, preview)),
        channel.status === 'frozen' && h('span', { class: 'preview' }, 'closed'),
        channel.unread_count > 0 &&
          h('span', { class: 'badge' }, String(channel.unread_count), spoken(' unread'))
      )
    )
  }
}
