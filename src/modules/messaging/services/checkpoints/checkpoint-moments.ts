import type { Application } from '../../../../declarations'
import type { Id } from '../../../../schema-types'
import { logger } from '../../../../logging/logger'
import { beforeTeardown } from '../../../../process/teardown'
import type { CheckpointReason } from '../../evidence/checkpoint'
import { CheckpointSchedule } from './checkpoint-schedule'
import { takeCheckpoint } from './take-checkpoint'
import { TimestampRequests } from './timestamps'

/** The checkpoint work of one app: tests reach it to run a scheduled pass and await time-stamps. */
export interface CheckpointWork {
  schedule: CheckpointSchedule
  timestamps: TimestampRequests
}

const works = new WeakMap<Application, CheckpointWork>()

export const checkpointWorkOf = (app: Application) => works.get(app)!

/**
 * Takes a checkpoint at the moments a head matters, after what caused them committed: a
 * channel freezes; a dispute opens on a booking (its channel, once per dispute); and on
 * the schedule. A checkpoint that cannot be taken is logged and never fails the change
 * that caused it; its time-stamp is fetched in the background, so a slow authority holds
 * up nothing.
 */
export function followCheckpointMoments(app: Application) {
  const timestamps = new TimestampRequests(app)
  const schedule = new CheckpointSchedule(app, timestamps)
  works.set(app, { schedule, timestamps })

  const take = async (channelId: Id, reason: CheckpointReason, detail: string | null = null) => {
    try {
      const row = await takeCheckpoint(app, channelId, reason, detail)
      if (row) timestamps.stampLater(row)
    } catch (error: any) {
      logger.error('a checkpoint was not taken', { channel_id: channelId, reason, error: error?.message })
    }
  }
  const events = app.get('events')
  events.on('chat.participants.changed', async ({ channel_id, status, status_changed }) => {
    if (status_changed && status === 'frozen') await take(channel_id, 'frozen')
  })
  events.on('contexts.dispute.changed', async ({ dispute_id }) => {
    const dispute = await app.service('disputes').get(dispute_id)
    if (dispute.status !== 'open') return
    const channelId = await app.service('channels').idOf('booking', dispute.booking_id)
    if (channelId !== undefined) await take(channelId, 'dispute', `dispute:${dispute_id}`)
  })

  app.hooks({
    setup: [
      async (_context: unknown, next: () => Promise<void>) => {
        await next()
        schedule.start()
      }
    ]
  })
  beforeTeardown(app, async () => {
    await schedule.stop()
    await timestamps.settled()
  })
}
