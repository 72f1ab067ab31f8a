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

type PolicyTable = ContactGuardSettings['policies']

/**
 * `read` of a policy table, worked out once per table: the configured table is one object
 * for the app's life, so what each send asks of it need not be worked out on every send.
 */
export function oncePerTable<T>(read: (policies: PolicyTable) => T): (policies: PolicyTable) => T {
  const known = new WeakMap<PolicyTable, T>()
  return (policies) => {
    if (!known.has(policies)) known.set(policies, read(policies))
    return known.get(policies)!
  }
}

const deliveredTable = oncePerTable((policies) => {
  const delivers = ([_status, policy]: [string, string | undefined]) => policy === 'flag' || policy === 'mask'
  return Object.fromEntries(
    Object.entries(policies).map(([type, byStatus]) => [
      type,
      Object.fromEntries(Object.entries(byStatus ?? {}).filter(delivers))
    ])
  )
})

/** The policy table with only what the send statement may apply: flag and mask. */
export const deliveredPolicies = (settings: ContactGuardSettings): PolicyTable =>
  deliveredTable(settings.policies)

const NO_POLICIES: PolicyTable = {}
const tableJson = oncePerTable((policies) => JSON.stringify(policies))

/** The send statement's `:contactGuard` parameter: null for a send the guard has nothing to say about. */
export function guardParameter(request: GuardRequest | undefined): string | null {
  if (!request) return null
  const spans = request.details.map(({ kind, start, end }) => ({ kind, start, end }))
  const kinds = [...new Set(spans.map((span) => span.kind))]
  // JSON.stringify({ policy, policies, kinds, spans }), with the table's JSON written once per table
  const policies = request.policy ? 'null' : tableJson(request.policies ?? NO_POLICIES)
  return `{"policy":${JSON.stringify(request.policy ?? null)},"policies":${policies},"kinds":${JSON.stringify(kinds)},"spans":${JSON.stringify(spans)}}`
}
