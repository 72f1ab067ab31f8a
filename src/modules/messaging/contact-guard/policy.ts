import type { CountryCode } from 'libphonenumber-js'
import type { ContextStatus } from '../../../context-statuses'
import type { ContactDetail, ContactKind } from './detect'

/**
 * What a send with contact details gets, in a context of one type and status:
 *   off    nothing is looked for
 *   flag   delivered as sent; admins get a finding
 *   mask   stored as sent (the record is evidence) and shown to participants with the
 *          details hidden; admins see the original and get a finding
 *   block  refused (400) with a sentence saying why; nothing is stored
 */
export const guardPolicies = ['off', 'flag', 'mask', 'block'] as const
export type GuardPolicy = (typeof guardPolicies)[number]

export interface ContactGuardSettings {
  /** countries whose national numbers are recognised without a +country code */
  regions: CountryCode[]
  policies: {
    booking?: Partial<Record<ContextStatus, GuardPolicy>>
    dispute?: Partial<Record<ContextStatus, GuardPolicy>>
  }
}

/** The settings the README documents, for a configuration that names none. */
export const DEFAULT_CONTACT_GUARD: ContactGuardSettings = {
  regions: ['GB', 'DE', 'ES', 'US'],
  policies: {
    booking: { pending: 'mask', confirmed: 'flag', in_progress: 'flag' },
    dispute: { open: 'flag' }
  }
}

/** The policy for a context type and status: what the settings say, else off. */
export const policyFor = (
  settings: ContactGuardSettings,
  contextType: 'booking' | 'dispute',
  status: ContextStatus
): GuardPolicy => settings.policies[contextType]?.[status] ?? 'off'

/** Whether any status of a context type masks: in a type where none does, no message is shown masked. */
export const masksSomeStatus = (settings: ContactGuardSettings, contextType: 'booking' | 'dispute') =>
  Object.values(settings.policies[contextType] ?? {}).includes('mask')

export const BLOCKED_SENTENCE =
  'This message was not sent: it contains contact details (a phone number, an e-mail address or a messaging handle), which cannot be shared in this conversation. Please keep talking here.'

const HIDDEN: Record<ContactKind, string> = {
  phone: '[phone number hidden]',
  email: '[e-mail address hidden]',
  social: '[contact handle hidden]'
}

/** The text as participants see it: each detail replaced by what it was, hidden. */
export function maskedText(text: string, details: Pick<ContactDetail, 'kind' | 'start' | 'end'>[]): string {
  let out = ''
  let last = 0
  for (const detail of [...details].sort((a, b) => a.start - b.start)) {
    if (detail.start < last || detail.end > text.length) continue
    out += text.slice(last, detail.start) + HIDDEN[detail.kind]
    last = detail.end
  }
  return out + text.slice(last)
}
