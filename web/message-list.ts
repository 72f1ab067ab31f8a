import type { Message } from '../src/client'
import { byId, h, listOfNames } from './dom'
import { messageActions } from './message-actions'

// The person's own locale and time zone: a day starts at their midnight, not the server's
const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric'
})
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

/**
 * The messages of the open channel on screen, in seq order, with what sits between them:
 * a separator where a day begins, "New messages" above the first one that arrived after
 * the person's read position, and "seen by" under their newest own message.
 */
export class MessageList {
  readonly messages = new Map<number, Message>()
  private items = new Map<number, HTMLLIElement>()
  private readUpTo = 0
  private readonly list = byId<HTMLOListElement>('message-list')
  // Moves to whichever message is one's newest: the "seen by" of older ones says less
  private readonly receipt = h('div', { id: 'receipt', class: 'receipt' })

  constructor(
    private myId: number,
    private remove: (message: Message) => void
  ) {}

  /** Empties the list for a channel read up to `readUpTo`: the divider goes above what follows. */
  reset(readUpTo: number) {
    this.messages.clear()
    this.items.clear()
    this.list.replaceChildren()
    this.readUpTo = readUpTo
  }

  /** Once the newest page is in: with nothing unread, no divider this visit (not above live ones). */
  firstPageShown() {
    const unread = [...this.messages.values()].some(
      (message) => message.seq > this.readUpTo && message.sender_id !== this.myId
    )
    if (!unread) this.readUpTo = Infinity
  }

  /** Puts messages in seq order, replacing what is already shown for the same seq. */
  put(messages: Message[]) {
    for (const message of messages) {
      this.messages.set(message.seq, message)
      const item = this.item(message)
      const shown = this.items.get(message.seq)
      if (shown) shown.replaceWith(item)
      else this.list.insertBefore(item, this.itemAfter(message.seq))
      this.items.set(message.seq, item)
    }
    this.mark()
  }

  /** "Seen by" under one's newest own message, naming the others whose read position reached it. */
  showReceipt(seenBy: (seq: number) => string[]) {
    let newestMine: Message | undefined
    for (const message of this.messages.values())
      if (message.sender_id === this.myId && !message.is_deleted && message.seq > (newestMine?.seq ?? 0))
        newestMine = message
    const seen = newestMine ? seenBy(newestMine.seq) : []
    if (!newestMine || !seen.length) return void this.receipt.remove()
    this.receipt.textContent = `Seen by ${listOfNames(seen)}`
    this.items.get(newestMine.seq)!.append(this.receipt)
  }

  private itemAfter(seq: number) {
    let after: HTMLLIElement | null = null
    for (const [shown, item] of this.items)
      if (shown > seq && (!after || shown < Number(after.dataset.seq))) after = item
    return after
  }

  /** Places the day separators and the new-messages divider again, from the items' order. */
  private mark() {
    this.list.querySelectorAll(':scope > .marker').forEach((marker) => marker.remove())
    let day = ''
    let divided = false
    for (const item of [...this.list.children] as HTMLLIElement[]) {
      const message = this.messages.get(Number(item.dataset.seq))!
      const itsDay = dayFormat.format(new Date(message.created_at))
      if (itsDay !== day) item.before(h('li', { class: 'marker day' }, h('span', {}, itsDay)))
      day = itsDay
      if (!divided && message.seq > this.readUpTo && message.sender_id !== this.myId) {
        item.before(h('li', { class: 'marker unread-divider' }, h('span', {}, 'New messages')))
        divided = true
      }
    }
  }

  private item(message: Message) {
    const mine = message.sender_id === this.myId
    const actions = mine && !message.is_deleted && messageActions(message, this.remove)
    const item = h(
      'li',
      {
        class: `message${mine ? ' mine' : ''}${message.is_deleted ? ' deleted' : ''}`,
        'data-seq': message.seq
      },
      actions && actions.element,
      h('span', { class: 'who' }, message.sender.name),
      h('time', { datetime: message.created_at }, timeFormat.format(new Date(message.created_at))),
      h('p', {}, message.is_deleted ? 'Message deleted' : (message.content ?? ''))
    )
    // A long press on a phone (a right click elsewhere) opens the same actions
    if (actions) item.addEventListener('contextmenu', (event) => (event.preventDefault(), actions.open()))
    return item
  }
}
