import { Counter } from 'prom-client'
import { perApp } from './per-app'

/** Labels are bounded: three kinds of detail, three policies that act. */
export const contactGuardMetrics = perApp((registers) => ({
  found: new Counter<'kind' | 'policy'>({
    name: 'chat_contact_details_found_total',
    help: 'Contact details the guard found in sends, by kind (phone, email, social) and the policy applied (flag, mask, block)',
    labelNames: ['kind', 'policy'],
    registers
  })
}))
