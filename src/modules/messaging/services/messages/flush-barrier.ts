import type { Knex } from 'knex'
import { isEmbedded } from '../../../../database/postgresql'
import { preparedStatement } from '../../../../database/prepared-statement'

// Writes a record to the WAL in a transaction of its own, so its commit waits for a flush
const BARRIER = preparedStatement(
  'chat-flush-barrier',
  `select pg_logical_emit_message(true, 'chat-flush', '')`
)

/**
 * Sends with others queued behind them on their channel commit without waiting for the
 * disk (MessageSends.commitFor), so the channel's row lock is not held through a flush.
 * Such a send is answered and announced only after a barrier: a small transaction that
 * commits synchronously after it and writes to the WAL, whose flush carries every earlier
 * commit to the disk (the WAL is written in order). So an acknowledged message is on disk
 * exactly as a synchronous commit would leave it. One barrier serves every send that
 * committed before it began. The embedded database commits each send synchronously and
 * needs no barrier.
 */
export class FlushBarrier {
  private running?: Promise<void>
  private queued?: Promise<void>

  constructor(
    private db: () => Knex,
    // Told each barrier's duration in seconds (for /metrics)
    private observe: (seconds: number) => void = () => undefined
  ) {}

  /** Resolves once everything this instance committed before the call is on disk. */
  afterCommit(): Promise<void> {
    if (isEmbedded(this.db())) return Promise.resolve()
    // A barrier already under way may have begun before this commit: wait for the next one
    if (this.running) return (this.queued ??= this.running.catch(() => undefined).then(() => this.begin()))
    return this.begin()
  }

  private begin() {
    this.queued = undefined
    const start = process.hrtime.bigint()
    const barrier = BARRIER.run(this.db(), {}).then(() => {
      this.observe(Number(process.hrtime.bigint() - start) / 1e9)
    })
    this.running = barrier
    const clear = () => {
      if (this.running === barrier) this.running = undefined
    }
    barrier.then(clear, clear)
    return barrier
  }
}
