import type { ClientApplication, Participant, Presence, TypingEvent } from '../src/client'
import { byId, h, listOfNames, spoken } from './dom'
import type { Names } from './names'

/** The open channel's people: who is online, who is typing, how far each has read. */
export class People {
  participants: Participant[] = []
  private online = new Map<number, boolean>()
  private typing = new Set<number>()

  constructor(
    private client: ClientApplication,
    private names: Names,
    private myId: number
  ) {}

  async load(channelId: number) {
    const page = await this.client
      .service('participants')
      .find({ query: { channel_id: channelId, $limit: 100 } })
    const ids = page.data.map((participant) => participant.user_id)
    await this.names.load(ids)
    const presence = await this.client.service('presence').find({ query: { user_id: { $in: ids } } })
    this.participants = page.data
    for (const status of presence.data) this.online.set(status.user_id, status.online)
    this.typing.clear()
    this.render()
  }

  /** Names of the others whose read position has reached `seq`. */
  seenBy(seq: number) {
    return this.participants
      .filter((participant) => participant.user_id !== this.myId && participant.last_read_seq >= seq)
      .map((participant) => this.names.of(participant.user_id))
  }

  patched(participant: Participant) {
    this.participants = this.participants.map((known) => (known.id === participant.id ? participant : known))
  }

  presenceChanged(status: Presence) {
    this.online.set(status.user_id, status.online)
    this.render()
  }

  typingChanged(event: Pick<TypingEvent, 'user_id' | 'typing'>) {
    if (event.user_id === this.myId) return
    if (event.typing) this.typing.add(event.user_id)
    else this.typing.delete(event.user_id)
    const names = [...this.typing].map((id) => this.names.of(id))
    byId('typing').textContent =
      names.length === 0
        ? ''
        : names.length > 3
          ? 'Several people are typing…'
          : `${listOfNames(names)} ${names.length === 1 ? 'is' : 'are'} typing…`
  }

  render() {
    const others = this.participants.filter((participant) => participant.user_id !== this.myId)
    byId('people').replaceChildren(
      ...others.map((participant) => {
        const online = this.online.get(participant.user_id) ?? false
        return h(
          'li',
          { class: online ? 'person online' : 'person' },
          h('span', { class: 'dot', 'aria-hidden': 'true' }),
          this.names.of(participant.user_id),
          spoken(online ? ' (online)' : ' (offline)')
        )
      })
    )
  }
}
