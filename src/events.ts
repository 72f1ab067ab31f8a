import { EventEmitter } from 'events'
import { logger } from './logging/logger'
import type { Id } from './schema-types'

/** A participant as a change names it: enough to move rooms and find the row. */
export interface ParticipantRef {
  participant_id: Id
  user_id: Id
  role: string
}

/**
 * Every domain event and its payload: the only contract modules share. Payloads carry
 * ids and small shapes declared here, never a module's records, so that no module has to
 * import another to listen.
 */
export interface DomainEventMap {
  /**
   * A booking, a dispute or a company membership was written: emitted after the write
   * commits, with ids only, so that a listener reads the state as committed (messaging's
   * channels follow them, reading the context again through its service); `actor_id` is
   * who made the change, null for the system (tooling, a worker), so that the chained
   * membership and status events can name them
   */
  'contexts.booking.changed': { booking_id: Id; actor_id: Id | null }
  'contexts.dispute.changed': { dispute_id: Id; actor_id: Id | null }
  'identity.membership.changed': { company_id: Id; user_id: Id; actor_id: Id | null }
  /**
   * A user was written: heard once on every instance, whichever made the change, so
   * listeners forget what they cached of that user or follow what it says now
   */
  'identity.user.changed': { user_id: Id; is_admin: boolean; disabled: boolean }
  /**
   * a person set a phone number for themselves: the code that proves it is theirs goes to it
   * by SMS, valid `minutes`; it is already counted against the number's SMS cap
   */
  'identity.phone.confirmation_requested': { user_id: Id; phone: string; code: string; minutes: number }
  /** the user's password changed: every token they held is over, and so is every connection */
  'identity.user.sessions.ended': { user_id: Id }
  /** one per message, after the commit: `recipient_ids` are every current participant but the sender */
  'chat.message.created': {
    channel_id: Id
    message_id: Id
    sender_id: Id
    recipient_ids: Id[]
    message_preview: string
  }
  /**
   * a person came online (their first connection anywhere) or went offline (their last one
   * closed, or their instance died): heard once, on the instance that saw it
   */
  'chat.presence.changed': { user_id: Id; online: boolean }
  /** a person registered a device for push: on every instance, so that planners read their devices again */
  'notifications.devices.changed': { user_id: Id }
  /** after the commit of a reconciliation that changed a channel's people or status */
  'chat.participants.changed': {
    channel_id: Id
    status: 'active' | 'frozen'
    status_changed: boolean
    added: ParticipantRef[]
    removed: ParticipantRef[]
    updated: ParticipantRef[]
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
