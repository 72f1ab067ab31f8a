import { authenticateCaller } from '../../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../../declarations'
import { ParticipantService } from './participants.class'
import {
  participantPatchQueryValidator,
  participantPatchValidator,
  participantQueryValidator
} from './participants.schema'
import { participantMethods, participantPath } from './participants.shared'
import { hideOthersMuted } from '../../hooks/hide-others-muted'

export * from './participants.class'
export * from './participants.schema'

export const participant = (app: Application) => {
  app.use(participantPath, new ParticipantService(app), { methods: [...participantMethods], events: [] })
  app.service(participantPath).hooks({
    around: {
      all: [authenticateCaller]
    },
    after: {
      all: [hideOthersMuted]
    },
    before: {
      find: [schemaHooks.validateQuery(participantQueryValidator)],
      patch: [
        schemaHooks.validateQuery(participantPatchQueryValidator),
        schemaHooks.validateData(participantPatchValidator)
      ]
    }
  })
}

declare module '../../../../declarations' {
  interface ServiceTypes {
    [participantPath]: ParticipantService
  }
}
