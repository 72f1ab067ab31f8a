import type { Application } from '../../declarations'
import { channel } from './services/channels/channels'
import { participant } from './services/participants/participants'
import { message } from './services/messages/messages'
import { presence } from './services/presence/presence'
import { channelEvent } from './services/channel-events/channel-events'
import { transcript } from './services/transcripts/transcripts'
import { historyCheck } from './services/history-checks/history-checks'
import {
  assignBookingParticipants,
  assignCompanyParticipants,
  assignDisputeParticipants
} from './hooks/assign-participants'

export { realtime } from './gateways/realtime'

/**
 * Channels follow their contexts: messaging hooks its participant assignment onto the
 * writes of bookings, disputes and company members, which know nothing of messaging.
 */
const assignParticipantsOnContextWrites = (app: Application) => {
  app
    .service('bookings')
    .hooks({ after: { create: [assignBookingParticipants], patch: [assignBookingParticipants] } })
  app
    .service('disputes')
    .hooks({ after: { create: [assignDisputeParticipants], patch: [assignDisputeParticipants] } })
  app.service('company-members').hooks({
    after: {
      create: [assignCompanyParticipants],
      patch: [assignCompanyParticipants],
      remove: [assignCompanyParticipants]
    }
  })
}

export const messaging = (app: Application) => {
  app.configure(channel)
  app.configure(participant)
  app.configure(message)
  app.configure(presence)
  app.configure(channelEvent)
  app.configure(transcript)
  app.configure(historyCheck)
  app.configure(assignParticipantsOnContextWrites)
}
