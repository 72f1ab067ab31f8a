import type { Knex } from 'knex'
import type { Application } from '../../../../declarations'
import type { Id } from '../../../../schema-types'
import { logger } from '../../../../logging/logger'
import { takeCheckpoint } from './take-checkpoint'
import type { TimestampRequests } from './timestamps'

// Channels checkpointed in one pass: a backlog is worked through over the following passes
const PASS_SIZE = 500

/** Channels whose chain grew since their newest checkpoint (or that have none and are not empty). */
export const channelsWithNewEntries = (db: Knex, limit: number): Promise<Id[]> =>
  db
    .raw(
      `select c.id from chat_channels c
       left join lateral (select k.seq, k.event_seq from chat_checkpoints k
         where k.channel_id = c.id order by k.id desc limit 1) k on true
       where k.seq is null or c.last_seq > k.seq or c.last_event_seq > k.event_seq
       order by c.id limit ?`,
      [limit]
    )
    .then(({ rows }: { rows: Array<{ id: Id }> }) => rows.map((row) => Number(row.id)))

/**
 * The scheduled checkpoints: every `evidence.checkpoint_minutes` (0: never), each channel
 * with new entries since its newest checkpoint gets one, then checkpoints still without
 * a time-stamp are tried again. Every instance may run it: a scheduled checkpoint of a
 * state that already has one is not stored (a unique index), so two instances passing at
 * once store one per channel.
 */
export class CheckpointSchedule {
  private timer?: NodeJS.Timeout
  private running?: Promise<number>

  constructor(
    private app: Application,
    private timestamps: TimestampRequests
  ) {}

  start() {
    const minutes = this.app.get('evidence')?.checkpoint_minutes ?? 60
    if (!minutes) return
    this.timer = setInterval(() => void this.runOnce(), minutes * 60_000)
    this.timer.unref()
  }

  async stop() {
    clearInterval(this.timer)
    this.timer = undefined
    await this.running
  }

  /** One pass; passes never overlap within an instance. Resolves to the checkpoints stored. */
  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined))
    return this.running
  }

  private async pass() {
    let stored = 0
    try {
      for (const channelId of await channelsWithNewEntries(this.app.get('postgresqlClient'), PASS_SIZE)) {
        const row = await takeCheckpoint(this.app, channelId, 'schedule')
        if (row) {
          stored++
          this.timestamps.stampLater(row)
        }
      }
      await this.timestamps.retryUnstamped()
    } catch (error: any) {
      logger.error('a scheduled checkpoint pass failed', { error: error?.message })
    }
    return stored
  }
}
