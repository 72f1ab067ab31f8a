import type { Server } from 'socket.io'
import type { Application } from '../../../declarations'
import type { Id } from '../../../schema-types'
import { ExpiringCache } from '../../../cache/expiring-cache'
import type { RoomRelay } from '../../../socketio/room-relay'
import type { Message } from '../services/messages/messages.schema'
import { channelRoom } from './rooms'
import { publishCreated } from './publish-created'

export interface SeqOrderSettings {
  /** How long a message whose predecessor has not been published yet waits for it (0: no wait). */
  reorder_window_ms: number
  /** Messages one channel may hold back; one more releases them all. */
  reorder_max_held: number
  /** Channels whose last published seq an instance remembers (the least recently active go first). */
  reorder_max_channels: number
}

// A channel quiet for this long is forgotten: its next message waits a window, like a new one's
const CHANNEL_IDLE_MS = 60 * 60_000

interface ChannelOrder {
  /** The last seq published; unknown for a channel seen for the first time (until its first window ends). */
  last: number | undefined
  held: Map<number, Message>
  timer?: NodeJS.Timeout
}

/**
 * Hands messages to `publish` in seq order per channel. Sends commit in seq order but
 * their events leave the service (and, with several instances, cross Redis) in whatever
 * order their hooks and the network finish: a message that comes before its predecessor
 * waits up to `reorder_window_ms` for it. A gap that does not fill in that time (the
 * predecessor was lost, or is very late) is given up on, and clients fill it by seq.
 */
export function createSeqOrder(publish: (message: Message) => void, settings: SeqOrderSettings) {
  const channels = new ExpiringCache<Id, ChannelOrder>(CHANNEL_IDLE_MS, settings.reorder_max_channels)

  function release(order: ChannelOrder) {
    if (order.last === undefined) return
    while (order.held.has(order.last + 1)) {
      const message = order.held.get(++order.last)!
      order.held.delete(order.last)
      publish(message)
    }
    if (order.held.size === 0) {
      clearTimeout(order.timer)
      order.timer = undefined
    }
  }

  /** Gives up on the gaps: everything held leaves, in seq order. */
  function flush(order: ChannelOrder) {
    clearTimeout(order.timer)
    order.timer = undefined
    const seqs = [...order.held.keys()].sort((a, b) => a - b)
    for (const seq of seqs) publish(order.held.get(seq)!)
    order.held.clear()
    order.last = Math.max(order.last ?? 0, seqs.at(-1) ?? 0)
  }

  return function push(message: Message) {
    if (settings.reorder_window_ms <= 0) return publish(message)
    // A channel not seen lately: where it stands is unknown, and its predecessors may be on their way
    const order: ChannelOrder = channels.get(message.channel_id) ?? { last: undefined, held: new Map() }
    channels.set(message.channel_id, order)
    // Behind what already left: late, and holding it back would not help
    if (order.last !== undefined && message.seq <= order.last) return publish(message)
    // A channel's first message says where it starts, whenever it comes
    if (message.seq === 1) order.last ??= 0
    order.held.set(message.seq, message)
    release(order)
    if (order.held.size > settings.reorder_max_held) flush(order)
    else if (order.held.size && !order.timer) {
      order.timer = setTimeout(() => flush(order), settings.reorder_window_ms)
      order.timer.unref()
    }
  }
}

const HOP = 'chat:messages created'

/**
 * Where the window sits: at the receiving instance. Each instance publishes its own sends,
 * so with several instances a connection hears two interleaved streams; ordering them at
 * the sender would not order what a receiver hears. So every instance relays its new
 * messages to the other instances that may have sockets in the channel's room (all of
 * them with the classic adapter, those with sockets there with the sharded one), and each
 * orders the whole stream of a channel before it emits to its own sockets.
 */
export function seqOrderedPublisher(app: Application, io: Server, relay: RoomRelay) {
  const push = createSeqOrder(publishCreated(io), app.get('realtime'))
  const relayed = relay.open<Message>(HOP, (room) => room.startsWith('channel:'), push)
  return (message: Message) => {
    push(message)
    relayed(channelRoom(message.channel_id), message)
  }
}
