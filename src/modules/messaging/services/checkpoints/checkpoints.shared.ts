import type { ClientApplication } from '../../../../client'
import type { Checkpoint, CheckpointService } from './checkpoints.class'

export type { Checkpoint }

export type CheckpointClientService = Pick<CheckpointService, 'find' | 'create'>

export const checkpointPath = 'checkpoints'

// Append-only: read by the channel's participants, made by admins; never changed or removed
export const checkpointMethods = ['find', 'create'] as const

export const checkpointClient = (client: ClientApplication) => {
  const connection = client.get('connection')
  client.use(checkpointPath, connection.service(checkpointPath), { methods: [...checkpointMethods] })
}

declare module '../../../../client' {
  interface ServiceTypes {
    [checkpointPath]: CheckpointClientService
  }
}
