import type { Knex } from 'knex'
import type { Id } from '../../../../schema-types'
import { currentParticipations } from '../../access/channel-access'

export interface Transition {
  last_seen_at: string
  channelIds: Id[]
}

interface Waiting {
  userId: Id
  resolve(transition: Transition): void
  reject(error: unknown): void
}

// Kept well under PostgreSQL's bind-parameter limit, and short enough to answer quickly
const MOST_PER_BATCH = 500

/**
 * Records people coming and going (`user_presence.last_seen_at`) and reads their channels,
 * a batch at a time: when an instance restarts, thousands of clients reconnect within
 * seconds, and two statements per person queued behind the pool until the pool's acquire
 * timeout dropped their announcements. Whatever arrives while a batch is in flight goes
 * in the next one, so a lone transition is written at once and a burst in few statements.
 */
export class PresenceTransitions {
  private waiting: Waiting[] = []
  private flushing = false

  constructor(private db: () => Knex) {}

  record(userId: Id): Promise<Transition> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ userId, resolve, reject })
      if (!this.flushing) void this.flush()
    })
  }

  private async flush() {
    this.flushing = true
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, MOST_PER_BATCH)
      try {
        const transitions = await this.write([...new Set(batch.map((entry) => entry.userId))])
        for (const entry of batch) entry.resolve(transitions.get(entry.userId)!)
      } catch (error) {
        for (const entry of batch) entry.reject(error)
      }
    }
    this.flushing = false
  }

  private async write(userIds: Id[]): Promise<Map<Id, Transition>> {
    const db = this.db()
    const seen: { user_id: Id; last_seen_at: string }[] = await db('user_presence')
      .insert(userIds.map((user_id) => ({ user_id, last_seen_at: db.fn.now() })))
      .onConflict('user_id')
      .merge()
      .returning(['user_id', 'last_seen_at'])
    const memberships = await currentParticipations(db, userIds)
    const transitions = new Map<Id, Transition>(
      seen.map((row) => [Number(row.user_id), { last_seen_at: row.last_seen_at, channelIds: [] }])
    )
    for (const { user_id, channel_id } of memberships)
      transitions.get(Number(user_id))?.channelIds.push(channel_id)
    return transitions
  }
}
