import { authenticateCaller } from '../../../../hooks/authenticate-caller'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { Application } from '../../../../declarations'
import { announceToRecipients } from '../../hooks/announce-to-recipients'
import { attachSenders } from '../../hooks/attach-senders'
import { limitSendRate } from '../../hooks/limit-send-rate'
import { sanitizeMessageContent } from '../../hooks/sanitize-content'
import { softDelete } from '../../hooks/soft-delete'
import { skipEventForExisting } from '../../hooks/skip-event-for-existing'
import { attachMaskedContents } from '../../contact-guard/mask-hooks'
import { guardContactDetails, applyContactDecision } from '../../contact-guard/guard-hooks'
import { MessageService } from './messages.class'
import { messageDataValidator, messageQueryValidator } from './messages.schema'
import { messageMethods, messagePath } from './messages.shared'

export * from './messages.class'
export * from './messages.schema'

export const message = (app: Application) => {
  app.use(messagePath, new MessageService(app), { methods: [...messageMethods], events: [] })
  app.service(messagePath).hooks({
    around: {
      all: [authenticateCaller, softDelete]
    },
    before: {
      find: [schemaHooks.validateQuery(messageQueryValidator)],
      create: [
        limitSendRate,
        schemaHooks.validateData(messageDataValidator),
        sanitizeMessageContent,
        guardContactDetails
      ]
    },
    after: {
      all: [attachSenders, attachMaskedContents],
      create: [applyContactDecision, skipEventForExisting, announceToRecipients]
    }
  })
}

declare module '../../../../declarations' {
  interface ServiceTypes {
    [messagePath]: MessageService
  }
}
