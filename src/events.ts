import { EventEmitter } from 'events'
import { logger } from './operations/logger'
import type { Channel } from './modules/messaging/services/channels/channels.schema'
import type { Participant } from './modules/messaging/services/participants/participants.schema'

export type Id = number

/** Every domain event and its payload: the only contract modules share. */
export interface DomainEventMap {
  'contexts.booking.changed': { booking_id: Id }
  'contexts.dispute.changed': { dispute_id: Id }
  'identity.membership.changed': { company_id: Id; user_id: Id }
  /** on every instance, whichever made the change; may come twice, so listeners only forget */
  'identity.user.changed': { user_id: Id }
  /** the user's password changed: every token they held is over, and so is every connection */
  'identity.user.sessions.ended': { user_id: Id }
  /** one per recipient (every current participant but the sender), after the commit */
  'chat.message.created': {
    channel_id: Id
    message_id: Id
    sender_id: Id
    recipient_id: Id
    message_preview: string
  }
  'chat.participants.changed': {
    channel: Channel
    added: Participant[]
    removed: Participant[]
    updated: Participant[]
    status_changed: boolean
  }
}

type Listener<K extends keyof DomainEventMap> = (payload: DomainEventMap[K]) => unknown

/**
 * A typed in-process event bus. `emit` resolves once every listener has settled, so a
 * write that emits can return after its consequences are applied; a failing listener
 * is logged and never fails the write that caused it (that write has already committed).
 */
export class DomainEvents {
  private emitter = new EventEmitter()

  on<K extends keyof DomainEventMap>(name: K, listener: Listener<K>) {
    this.emitter.on(name, listener)
    return () => this.emitter.off(name, listener)
  }

  async emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]) {
    const listeners = this.emitter.listeners(name) as Listener<K>[]
    await Promise.all(
      listeners.map(async (listener) => {
        try {
          await listener(payload)
        } catch (error: any) {
          logger.error('domain event listener failed', { event: name, error: error?.message })
        }
      })
    )
  }
}
