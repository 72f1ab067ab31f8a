import { authenticateCaller } from '../../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application, HookContext } from '../../../../declarations'
import { requireAdmin } from '../../../../hooks/require-admin'
import { requireChannelAccess } from '../../access/channel-access'
import { CheckpointService } from './checkpoints.class'
import { checkpointDataValidator, checkpointQueryValidator } from './checkpoints.schema'
import { checkpointMethods, checkpointPath } from './checkpoints.shared'
import { followCheckpointMoments } from './checkpoint-moments'

export * from './checkpoints.class'
export * from './checkpoints.schema'

/** A channel's checkpoints are for who may read the channel: its current participants and who moderates. */
const requireChannelReader = async (context: HookContext<CheckpointService>) => {
  await requireChannelAccess(
    context.app.get('postgresqlClient'),
    context.params.query!.channel_id,
    context.params
  )
}

export const checkpoint = (app: Application) => {
  app.use(checkpointPath, new CheckpointService(app), { methods: [...checkpointMethods], events: [] })
  app.service(checkpointPath).hooks({
    around: {
      all: [authenticateCaller],
      create: [requireAdmin]
    },
    before: {
      find: [schemaHooks.validateQuery(checkpointQueryValidator), requireChannelReader],
      create: [schemaHooks.validateData(checkpointDataValidator)]
    }
  })
  followCheckpointMoments(app)
}

declare module '../../../../declarations' {
  interface ServiceTypes {
    [checkpointPath]: CheckpointService
  }
}
