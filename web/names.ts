import type { ClientApplication } from '../src/client'

/** People's names, which any participant may read, fetched once per person. */
export class Names {
  private known = new Map<number, string>()

  constructor(private client: ClientApplication) {}

  remember(id: number, name: string) {
    this.known.set(id, name)
  }

  of(id: number) {
    return this.known.get(id) ?? 'Someone'
  }

  async load(ids: number[]) {
    const missing = [...new Set(ids)].filter((id) => !this.known.has(id))
    if (!missing.length) return
    const page = await this.client.service('users').find({ query: { id: { $in: missing }, $limit: 100 } })
    for (const user of page.data) this.known.set(user.id, user.name)
  }
}
