import type { Id } from '../../../schema-types'

interface Announced {
  /** what the viewers were last told */
  shown: boolean
  /** what the person's connections say now */
  wanted: boolean
  at: number
  settle?: NodeJS.Timeout
}

type Emit = (channelId: Id, userId: Id, typing: boolean) => void

/**
 * What a channel's viewers hear about one person typing there: at most one event per
 * `throttleMs` for each (person, channel), whatever the sequence of calls. A change
 * inside the interval is announced when it ends, if it still holds then; a change undone
 * before then (true, false, true, …) is never announced, so a flood of calls costs the
 * room one event per interval and the viewers still end with the right state.
 */
export class TypingAnnouncer {
  private states = new Map<string, Announced>()

  constructor(
    private throttleMs: number,
    private emit: Emit
  ) {}

  set(channelId: Id, userId: Id, typing: boolean) {
    const key = `${userId}:${channelId}`
    const state = this.states.get(key) ?? { shown: false, wanted: false, at: -Infinity }
    this.states.set(key, state)
    state.wanted = typing
    const wait = state.at + this.throttleMs - Date.now()
    // Out of the interval, typing again is a refresh worth telling; inside it, it waits
    if (wait <= 0 && (typing || state.shown)) this.announce(key, state, channelId, userId)
    else if (!typing && !state.shown && !state.settle) this.states.delete(key)
    else if (!state.settle) this.settleAfter(wait, key, state, channelId, userId)
  }

  /** A message sent ends its sender's typing at once: sends have a budget of their own, so this cannot flood the room. */
  stopNow(channelId: Id, userId: Id) {
    const key = `${userId}:${channelId}`
    const state = this.states.get(key)
    if (!state) return
    clearTimeout(state.settle)
    this.states.delete(key)
    // The next keystroke starts afresh: it is announced at once, as after a lapse
    if (state.shown) this.emit(channelId, userId, false)
  }

  close() {
    for (const state of this.states.values()) clearTimeout(state.settle)
    this.states.clear()
  }

  private announce(key: string, state: Announced, channelId: Id, userId: Id) {
    clearTimeout(state.settle)
    state.shown = state.wanted
    state.at = Date.now()
    this.emit(channelId, userId, state.shown)
    this.settleAfter(this.throttleMs, key, state, channelId, userId)
  }

  /** At the interval's end: announce what changed meanwhile, or forget a person who stopped. */
  private settleAfter(delayMs: number, key: string, state: Announced, channelId: Id, userId: Id) {
    state.settle = setTimeout(
      () => {
        state.settle = undefined
        if (state.wanted !== state.shown) this.announce(key, state, channelId, userId)
        else if (!state.shown) this.states.delete(key)
      },
      Math.max(0, delayMs)
    )
    state.settle.unref()
  }
}
