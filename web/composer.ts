import type { ChannelView, ClientApplication, Message } from '../src/client'
import { byId } from './dom'
import { WAITING_FOR_CONNECTION } from './notices'

// A person typing keeps the indicator alive well inside the server's 6 s expiry
const TYPING_REFRESH_MS = 2000

const randomId = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => byte.toString(16).padStart(2, '0')).join(
    ''
  )

/**
 * The message box of the open channel: Enter (without Shift) or the Send button sends,
 * and typing tells the others, at most every TYPING_REFRESH_MS.
 */
export class Composer {
  private lastTypingSent = 0
  private readonly box = byId<HTMLTextAreaElement>('message')

  constructor(
    private client: ClientApplication,
    private channel: () => ChannelView | undefined,
    private sent: (message: Message) => void,
    private guard: (action: () => Promise<void>) => Promise<void>
  ) {
    this.box.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return
      event.preventDefault()
      this.send()
    })
    this.box.addEventListener('input', () => this.typed())
    byId('composer').addEventListener('submit', (event) => (event.preventDefault(), this.send()))
  }

  /** Closed to writing: a frozen channel, or one the person was removed from. */
  set disabled(disabled: boolean) {
    this.box.disabled = disabled
  }

  private async send() {
    const content = this.box.value.trim()
    const channel = this.channel()
    if (!content || !channel || this.box.disabled) return
    // Calls made while the connection is away wait for it: say so rather than seem to ignore the message
    if (!(this.client.io as { connected?: boolean } | undefined)?.connected)
      byId('notice').textContent = WAITING_FOR_CONNECTION
    await this.guard(async () => {
      const message = await this.client.service('messages').create({
        channel_id: channel.id,
        content,
        client_id: randomId()
      })
      this.box.value = ''
      this.lastTypingSent = 0
      this.sent(message)
    })
  }

  private typed() {
    const channel = this.channel()
    if (!channel || Date.now() - this.lastTypingSent < TYPING_REFRESH_MS) return
    if (!this.box.value.trim()) return
    this.lastTypingSent = Date.now()
    this.client
      .service('presence')
      .typing({ channel_id: channel.id, typing: true })
      .catch(() => {})
  }
}
