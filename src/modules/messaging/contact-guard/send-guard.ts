import type { ContactDetail } from './detect'
import type { ContactGuardSettings } from './policy'

/** The policies the send statement applies itself: those that deliver the message. */
export type DeliveredPolicy = 'flag' | 'mask'

/**
 * What the guard asks of a send with contact details in it (`params.contactGuard`). The
 * send statement reads the context's status, picks the policy from `policies` (or takes
 * `policy`, where the guard decided before the send) and records the finding in the
 * send's own transaction; it says which policy it applied in `applied`.
 */
export interface GuardRequest {
  details: ContactDetail[]
  /** decided before the send: a context type that blocks in some status reads its status first */
  policy?: DeliveredPolicy
  /** else: by context type and status, flag and mask only (a status not named asks for nothing) */
  policies?: ContactGuardSettings['policies']
  /** set by the send: the policy it applied, none where the context's status asked for none */
  applied?: DeliveredPolicy
}

// The configured table is one object for the app's life: filtered once, not on every send
const delivered = new WeakMap<ContactGuardSettings['policies'], ContactGuardSettings['policies']>()

/** The policy table with only what the send statement may apply: flag and mask. */
export function deliveredPolicies(settings: ContactGuardSettings): ContactGuardSettings['policies'] {
  const known = delivered.get(settings.policies)
  if (known) return known
  const delivers = ([_status, policy]: [string, string | undefined]) => policy === 'flag' || policy === 'mask'
  const table = Object.fromEntries(
    Object.entries(settings.policies).map(([type, byStatus]) => [
      type,
      Object.fromEntries(Object.entries(byStatus ?? {}).filter(delivers))
    ])
  )
  delivered.set(settings.policies, table)
  return table
}

/** The send statement's `:contactGuard` parameter: null for a send the guard has nothing to say about. */
export function guardParameter(request: GuardRequest | undefined): string | null {
  if (!request) return null
  const spans = request.details.map(({ kind, start, end }) => ({ kind, start, end }))
  return JSON.stringify({
    policy: request.policy ?? null,
    policies: request.policy ? null : (request.policies ?? {}),
    kinds: [...new Set(spans.map((span) => span.kind))],
    spans
  })
}
