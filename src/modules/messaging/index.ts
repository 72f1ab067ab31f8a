import type { Application } from '../../declarations'
import { channel } from './services/channels/channels'
import { participant } from './services/participants/participants'
import { message } from './services/messages/messages'
import { presence } from './services/presence/presence'
import { channelEvent } from './services/channel-events/channel-events'
import { transcript } from './services/transcripts/transcripts'
import { historyCheck } from './services/history-checks/history-checks'
import { followContexts } from './services/channels/follow-contexts'

export { realtime } from './gateways/realtime'

export const messaging = (app: Application) => {
  app.configure(channel)
  app.configure(participant)
  app.configure(message)
  app.configure(presence)
  app.configure(channelEvent)
  app.configure(transcript)
  app.configure(historyCheck)
  app.configure(followContexts)
}
