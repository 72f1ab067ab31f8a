import type { HookContext } from '../../../declarations'
import { isAdminOrInternal } from '../../../hooks/require-admin'

/**
 * A phone number is where the platform sends SMS, so it must be its owner's. One set by an
 * admin (or admin tooling) is taken as confirmed; one a person sets for themselves is not
 * until they enter the code sent to it (`phone-confirmations`), and gets no notification
 * before. Setting the same number again changes nothing; removing it needs no code.
 * Runs after the patch is validated; `sendPhoneConfirmation` sends the code once it is written.
 */
export const confirmPhoneChanges = async (context: HookContext) => {
  const phone: string | null | undefined = context.data?.phone
  if (phone === undefined) return
  const current = await context.app.service('users').get(context.id!)
  if (phone === current.phone) return
  const vouched = isAdminOrInternal(context.params)
  context.data.phone_confirmed_at = phone && vouched ? new Date().toISOString() : null
  if (phone && !vouched) context.params.phoneToConfirm = phone
}

export const sendPhoneConfirmation = async (context: HookContext) => {
  const phone: string | undefined = context.params.phoneToConfirm
  if (phone) await context.app.service('phone-confirmations').send(Number(context.id), phone)
}
