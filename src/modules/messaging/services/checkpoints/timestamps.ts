import type { Knex } from 'knex'
import type { Application } from '../../../../declarations'
import { logger } from '../../../../logging/logger'
import { checkpointMetrics } from '../../../../metrics/checkpoints'
import { timestampedBytes } from '../../evidence/checkpoint'
import { timestampRequest, tokenFromResponse } from '../../evidence/rfc3161'
import { documentOf } from './take-checkpoint'
import type { CheckpointRow } from './take-checkpoint'

// Unstamped checkpoints tried again in one pass
const RETRY_BATCH = 100

/**
 * Fetches the RFC 3161 token of each checkpoint from `evidence.tsa_url` (plain HTTP, as
 * time-stamp authorities speak it), in the background: a freeze or a send never waits
 * for the authority. A request that fails or takes longer than
 * `evidence.tsa_timeout_seconds` is counted and logged, and tried again by the scheduled
 * pass once `evidence.tsa_retry_seconds` have passed; the checkpoint itself is stored
 * already.
 */
export class TimestampRequests {
  private pending = new Set<Promise<void>>()

  constructor(private app: Application) {}

  private get settings() {
    return this.app.get('evidence')
  }

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  /** Starts fetching the checkpoint's token, if an authority is set; returns at once. */
  stampLater(row: CheckpointRow) {
    if (!this.settings?.tsa_url) return
    const work = this.stamp(row).finally(() => this.pending.delete(work))
    this.pending.add(work)
  }

  /** Every fetch under way has finished (stored its token or counted its failure). */
  async settled() {
    while (this.pending.size) await Promise.all([...this.pending])
  }

  /** Tries again each checkpoint still without a token whose last try is older than the retry interval. */
  async retryUnstamped() {
    if (!this.settings?.tsa_url) return
    const retrySeconds = this.settings.tsa_retry_seconds ?? 60
    const rows: CheckpointRow[] = await this.db('chat_checkpoints')
      .whereNull('timestamp_token')
      .where((when) =>
        when
          .whereNull('timestamp_tried_at')
          .orWhereRaw(`timestamp_tried_at < now() - make_interval(secs => ?)`, [retrySeconds])
      )
      .orderBy('id')
      .limit(RETRY_BATCH)
      .select('id', 'channel_id', 'document', 'timestamp_token')
    for (const row of rows) this.stampLater(row)
    await this.settled()
  }

  private async stamp(row: CheckpointRow) {
    const url = this.settings!.tsa_url!
    const request = timestampRequest(timestampedBytes(documentOf(row)))
    let token: Buffer | null = null
    try {
      const answer = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query' },
        body: new Uint8Array(request.der),
        signal: AbortSignal.timeout((this.settings!.tsa_timeout_seconds ?? 10) * 1000)
      })
      if (!answer.ok) throw new Error(`the authority answered HTTP ${answer.status}`)
      token = tokenFromResponse(Buffer.from(await answer.arrayBuffer()), request)
    } catch (error: any) {
      checkpointMetrics(this.app).timestamps.inc({ outcome: 'failed' })
      logger.warn('a checkpoint was not time-stamped: it is tried again later', {
        checkpoint_id: row.id,
        channel_id: row.channel_id,
        error: error?.message
      })
    }
    await this.db('chat_checkpoints')
      .where({ id: row.id })
      .whereNull('timestamp_token')
      .update({
        timestamp_token: token,
        timestamp_attempts: this.db.raw('timestamp_attempts + 1'),
        timestamp_tried_at: this.db.fn.now()
      })
      .catch((error) =>
        logger.error('a checkpoint time-stamp was not stored', {
          checkpoint_id: row.id,
          error: error?.message
        })
      )
    if (token) checkpointMetrics(this.app).timestamps.inc({ outcome: 'stamped' })
  }
}
