import type { ClientApplication } from './client'
import type { Message } from './modules/messaging/services/messages/messages.shared'
import { compareWithHeld } from './channel-heads'
import type { HistoryRewrittenError } from './channel-heads'

export interface ChannelStreamOptions {
  /** Called with each message of the channel, in seq order, once: a deleted one as its tombstone. */
  onMessage(message: Message): void
  /** Called when a message already handed out is deleted, with its tombstone. */
  onRemoved?(tombstone: Message): void
  /** A fetch that failed (it is tried again after `retryMs` unless the service refused it). */
  onError?(error: unknown): void
  /**
   * The server showed a history that does not extend a head this client saw (its signed
   * checkpoints, read at every fill): called with the typed error, which also goes to
   * `onError` and to the console, as it means the record was cut or rewritten.
   */
  onHistoryRewritten?(error: HistoryRewrittenError): void
  /** The seq the app already holds: the stream starts after it (0, the default: from the first message). */
  fromSeq?: number
  /** How long a message may wait for a predecessor that has not arrived before the stream fetches it. */
  gapMs?: number
  /** How long after a failed fetch the stream tries again. */
  retryMs?: number
}

export interface ChannelStream {
  /** The seq of the last message handed out. */
  readonly lastSeq: number
  close(): void
}

const PAGE = 100

/**
 * The messages of one channel, handed to the app in seq order without gaps or repeats,
 * whatever order live events arrive in: a message that comes before its predecessor
 * waits up to `gapMs` for it, then the gap is fetched with `messages.find` (`seq > last`).
 * After every (re)login, when the server has restored the connection's rooms, everything
 * after the last seq handed out is fetched, so a disconnection loses nothing.
 */
export function openChannelStream(
  client: ClientApplication,
  channelId: number,
  options: ChannelStreamOptions
): ChannelStream {
  const { onMessage, onRemoved, onError, onHistoryRewritten, gapMs = 1000, retryMs = 2000 } = options
  const messages = client.service('messages')
  let last = options.fromSeq ?? 0
  // Arrived ahead of a gap, by seq; a tombstone here wins over a later copy with content
  const waiting = new Map<number, Message>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let fetching = false
  let fetchAgain = false
  let closed = false

  function keep(message: Message) {
    if (message.channel_id !== channelId || message.seq <= last) return false
    if (!waiting.get(message.seq)?.is_deleted) waiting.set(message.seq, message)
    return true
  }

  function handOut() {
    while (!closed && waiting.has(last + 1)) {
      const message = waiting.get(last + 1)!
      waiting.delete(++last)
      onMessage(message)
    }
    if (waiting.size === 0) schedule(undefined)
    else if (!timer) schedule(gapMs)
  }

  function schedule(ms: number | undefined) {
    clearTimeout(timer)
    timer = ms === undefined || closed ? undefined : setTimeout(() => ((timer = undefined), fill()), ms)
  }

  /** Fetches everything after the last seq handed out, page by page. */
  async function fill() {
    if (closed) return
    if (fetching) return void (fetchAgain = true)
    fetching = true
    schedule(undefined)
    try {
      for (let after = last; !closed;) {
        const page = await messages.find({
          query: { channel_id: channelId, seq: { $gt: after }, $sort: { seq: 1 }, $limit: PAGE }
        })
        // What the server says now is the truth (a message may have been deleted since it arrived)
        for (const message of page.data) if (message.seq > last) waiting.set(message.seq, message)
        handOut()
        if (page.data.length < PAGE) break
        after = page.data[page.data.length - 1].seq
      }
      await compareHeads()
    } catch (error: any) {
      onError?.(error)
      // A refusal (not a participant, signed out) is final until the next login; anything else is tried again
      if (!(error?.code >= 400 && error?.code < 500)) schedule(retryMs)
    } finally {
      fetching = false
    }
    if (fetchAgain && !closed) {
      fetchAgain = false
      await fill()
    }
  }

  /** The channel's newest signed checkpoint against the newest head this client saw. */
  async function compareHeads() {
    const [newest] = (
      await client.service('checkpoints').find({ query: { channel_id: channelId, $limit: 1 } })
    ).data
    if (!newest || closed) return
    const rewritten = compareWithHeld(client, channelId, newest.checkpoint)
    if (!rewritten) return
    console.error(rewritten.message)
    onHistoryRewritten?.(rewritten)
    onError?.(rewritten)
  }

  const created = (message: Message) => {
    if (keep(message)) handOut()
  }
  const removed = (tombstone: Message) => {
    if (tombstone.channel_id !== channelId) return
    if (tombstone.seq <= last) return onRemoved?.(tombstone)
    waiting.set(tombstone.seq, tombstone)
    handOut()
  }
  const login = () => void fill()

  messages.on('created', created)
  messages.on('removed', removed)
  // After every (re)authentication the server has put the connection back in its rooms
  client.on('login', login)
  void fill()

  return {
    get lastSeq() {
      return last
    },
    close() {
      closed = true
      schedule(undefined)
      messages.off('created', created)
      messages.off('removed', removed)
      client.off('login', login)
    }
  }
}
