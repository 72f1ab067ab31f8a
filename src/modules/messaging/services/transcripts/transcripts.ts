import { authenticateCaller } from '../../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../../declarations'
import { requireRecordAccess } from '../../access/channel-access'
import { TranscriptService } from './transcripts.class'
import { transcriptQueryValidator } from './transcripts.schema'
import { transcriptMethods, transcriptPath } from './transcripts.shared'

export * from './transcripts.class'
export * from './transcripts.schema'

export const transcript = (app: Application) => {
  app.use(transcriptPath, new TranscriptService(app), { methods: [...transcriptMethods], events: [] })
  app.service(transcriptPath).hooks({
    around: {
      all: [authenticateCaller, requireRecordAccess]
    },
    before: {
      get: [schemaHooks.validateQuery(transcriptQueryValidator)]
    }
  })
}

declare module '../../../../declarations' {
  interface ServiceTypes {
    [transcriptPath]: TranscriptService
  }
}
