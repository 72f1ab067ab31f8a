import { quietHoursEnd } from './quiet-hours'

/** Everything the delivery rules look at for one planned delivery, read beforehand. */
export interface DeliveryFacts {
  kind: 'sms' | 'push'
  message: { is_deleted: boolean; seq: number }
  /** the recipient's current participation in the channel, if any */
  participant: { last_read_seq: number; muted?: boolean } | null
  recipient: {
    disabled: boolean
    online: boolean
    timezone: string
    quiet_hours_start: string | null
    quiet_hours_end: string | null
  }
  /** the phone number, or the device's token while it is still the recipient's */
  to: string | null
  /** when the same person, channel and device (or phone) last got a notification */
  last_sent_at: Date | null
  coalesce_seconds: number
}

export type Decision =
  | { action: 'skip'; reason: string }
  | { action: 'defer'; until: Date; reason: string }
  | { action: 'send'; to: string }

/**
 * The specification's delivery rules for one planned delivery at `now`, in their order:
 * skipped (deleted, no longer a participant, disabled, online, read, muted, nowhere to
 * send), deferred (quiet hours, coalescing window) or sent. A pure function of its facts.
 */
export function decide(facts: DeliveryFacts, now: Date): Decision {
  const { message, participant, recipient } = facts
  if (message.is_deleted) return { action: 'skip', reason: 'the message was deleted' }
  if (!participant) return { action: 'skip', reason: 'no longer a participant' }
  // A disabled account keeps its place in channels (history stays) but hears nothing more
  if (recipient.disabled) return { action: 'skip', reason: 'account disabled' }
  if (recipient.online) return { action: 'skip', reason: 'online' }
  if (participant.last_read_seq >= message.seq) return { action: 'skip', reason: 'already read' }
  if (participant.muted) return { action: 'skip', reason: 'channel muted' }
  if (!facts.to)
    return { action: 'skip', reason: facts.kind === 'sms' ? 'no phone number' : 'the device was removed' }

  const quietUntil = quietHoursEnd(
    now,
    recipient.timezone,
    recipient.quiet_hours_start,
    recipient.quiet_hours_end
  )
  if (quietUntil) return { action: 'defer', until: quietUntil, reason: 'quiet hours' }

  const windowEnd =
    facts.last_sent_at && new Date(facts.last_sent_at.getTime() + facts.coalesce_seconds * 1000)
  if (windowEnd && windowEnd > now) return { action: 'defer', until: windowEnd, reason: 'coalescing' }

  return { action: 'send', to: facts.to }
}

/**
 * When the `attempts`th failed attempt is tried again: doubling from `baseSeconds`, spread
 * by half either way so that rows that failed together do not come back together.
 */
export function retryAt(now: Date, attempts: number, baseSeconds: number): Date {
  return new Date(now.getTime() + baseSeconds * 1000 * 2 ** (attempts - 1) * (0.5 + Math.random()))
}
