import type { ChannelView, ClientApplication, Message } from '../src/client'
import { byId, h, spoken } from './dom'

export type ChannelEntry = ChannelView & { title?: string; last_message?: { content?: string } | null }

const fallbackTitle = (channel: ChannelView) =>
  `${channel.context_type === 'booking' ? 'Booking' : 'Dispute'} #${channel.context_id}`

export const titleOf = (channel: ChannelEntry) => channel.title ?? fallbackTitle(channel)

const newestFirst = (a: ChannelEntry, b: ChannelEntry) =>
  (b.last_message_at ?? b.created_at).localeCompare(a.last_message_at ?? a.created_at)

/** The channels one belongs to, newest activity first, with unread badges and their total. */
export class ChannelList {
  readonly channels = new Map<number, ChannelEntry>()
  openId?: number

  constructor(
    private client: ClientApplication,
    private myId: number,
    private onOpen: (channel: ChannelEntry) => void
  ) {}

  async refresh() {
    const page = await this.client.service('channels').find({ query: { $limit: 100 } })
    this.channels.clear()
    for (const channel of page.data) this.channels.set(channel.id, channel)
    this.render()
  }

  upsert(channel: ChannelEntry) {
    this.channels.set(channel.id, { ...this.channels.get(channel.id), ...channel })
    this.render()
  }

  messageArrived(message: Message, seenNow: boolean) {
    const channel = this.channels.get(message.channel_id)
    if (!channel) return
    channel.last_seq = Math.max(channel.last_seq, message.seq)
    channel.last_message_at = message.created_at
    channel.last_message = message
    if (!seenNow && message.sender_id !== this.myId) channel.unread_count += 1
    this.render()
  }

  messageRemoved(message: Message) {
    const channel = this.channels.get(message.channel_id)
    if (!channel || (channel.last_message as Message | undefined)?.id !== message.id) return
    channel.last_message = { ...message, content: undefined }
    this.render()
  }

  markedRead(channelId: number) {
    const channel = this.channels.get(channelId)
    if (channel && channel.unread_count) {
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
    const total = sorted.reduce((sum, channel) => sum + channel.unread_count, 0)
    const badge = byId('total-unread')
    badge.hidden = total === 0
    badge.replaceChildren(String(total), spoken(' unread in all'))
    byId('channel-list').replaceChildren(...sorted.map((channel) => this.item(channel)))
    if (!sorted.length) byId('channel-list').append(h('li', { class: 'empty' }, 'No conversations yet.'))
  }

  private item(channel: ChannelEntry) {
    const preview = channel.last_message ? (channel.last_message.content ?? 'Message deleted') : ''
    return h(
      'li',
      {},
      h(
        'button',
        { type: 'button', 'aria-current': channel.id === this.openId ? 'true' : 'false', onclick: () => this.open(channel.id) },
        h('span', { class: 'title' }, titleOf(channel), preview && h('span', { class: 'preview' }, preview)),
        channel.status === 'frozen' && h('span', { class: 'preview' }, 'closed'),
        channel.unread_count > 0 && h('span', { class: 'badge' }, String(channel.unread_count), spoken(' unread'))
      )
    )
  }
}
