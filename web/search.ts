import type { ClientApplication, Message } from '../src/client'
import { byId, h } from './dom'
import type { ChannelList } from './channel-list'

// Searching as people type, without a request per key
const TYPING_PAUSE_MS = 250
const RESULTS = 20

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'" }
const unescaped = (text: string) => text.replace(/&(lt|gt|amp|quot|#39);/g, (_, name) => ENTITIES[name])

/**
 * A snippet as nodes: the API escapes it and marks matches with `<mark>` alone, and the
 * page reads exactly that scheme, as text and <mark> elements, never as markup.
 */
export function snippetNodes(snippet: string): Node[] {
  const nodes: Node[] = []
  let marked = false
  for (const part of snippet.split(/(<\/?mark>)/)) {
    if (part === '<mark>' || part === '</mark>') marked = part === '<mark>'
    else if (part)
      nodes.push(marked ? h('mark', {}, unescaped(part)) : document.createTextNode(unescaped(part)))
  }
  return nodes
}

/** The search box over every channel one reads: results with their snippets, each opening its channel. */
export class MessageSearch {
  private pending?: ReturnType<typeof setTimeout>
  private asked = 0

  constructor(
    private client: ClientApplication,
    private channels: ChannelList
  ) {
    const input = byId<HTMLInputElement>('search-text')
    input.addEventListener('input', () => {
      clearTimeout(this.pending)
      this.pending = setTimeout(() => this.search(input.value), TYPING_PAUSE_MS)
    })
    byId('search').addEventListener('submit', (event) => {
      event.preventDefault()
      clearTimeout(this.pending)
      this.search(input.value)
    })
  }

  private async search(text: string) {
    const ticket = ++this.asked
    const status = byId('search-status')
    if (!text.trim()) {
      byId('search-results').replaceChildren()
      status.textContent = ''
      return
    }
    try {
      const page = await this.client.service('messages').find({ query: { $search: text, $limit: RESULTS } })
      // An answer overtaken by a later search is dropped
      if (ticket !== this.asked) return
      byId('search-results').replaceChildren(...page.data.map((message) => this.item(message)))
      status.textContent = page.data.length ? `${page.data.length} found` : 'Nothing found'
    } catch (error: any) {
      if (ticket === this.asked) status.textContent = error?.message ?? 'The search failed'
    }
  }

  private item(message: Message) {
    const title = this.channels.channels.get(message.channel_id)?.title ?? 'A conversation'
    return h(
      'li',
      {},
      h(
        'button',
        { type: 'button', onclick: () => this.channels.open(message.channel_id) },
        h('span', { class: 'title' }, title),
        h('span', { class: 'snippet' }, ...snippetNodes(message.snippet ?? ''))
      )
    )
  }
}
