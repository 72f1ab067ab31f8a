import type { Application } from '../../declarations'
import { contextSync } from './services/channels/membership'
import { channel } from './services/channels/channels'
import { participant } from './services/participants/participants'
import { message } from './services/messages/messages'
import { presence } from './services/presence/presence'

export { realtime } from './gateways/realtime'

export const messaging = (app: Application) => {
  app.configure(channel)
  app.configure(participant)
  app.configure(message)
  app.configure(presence)
  app.configure(contextSync)
}
