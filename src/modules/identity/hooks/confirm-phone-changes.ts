import type { HookContext } from '../../../declarations'
import { isAdminOrInternal } from '../../../hooks/require-admin'

/**
 * A phone number is where the platform sends SMS, so it must be its owner's. One set by an
 * admin (or admin tooling) is taken as confirmed; one a person sets for themselves is not
 * until they enter the code sent to it (`phone-confirmations`), and gets no notification
 * before. Removing a number needs no code. Runs after the patch is validated;
 * `sendPhoneConfirmation` sends the code once the number is written.
 */
export const confirmPhoneChanges = async (context: HookContext) => {
  const phone: string | null | undefined = context.data?.phone
  if (phone === undefined) return
  const vouched = isAdminOrInternal(context.params)
  // Only admin tooling patches several people at once; there is nothing to compare with
  if (context.id === null || context.id === undefined) {
    context.data.phone_confirmed_at = phone ? new Date().toISOString() : null
    return
  }
  const current = await context.app.service('users').get(context.id)
  if (vouched || !phone) {
    // The same number sent back (an edit form saving a whole profile) vouches for nothing
    if (phone !== current.phone) context.data.phone_confirmed_at = phone ? new Date().toISOString() : null
    return
  }
  const confirmations = context.app.service('phone-confirmations')
  if (phone === current.phone) {
    // Setting one's unconfirmed number again is how one gets a new code, once the last is spent
    if (current.phone_confirmed_at || (await confirmations.awaitsCode(current.id, phone))) return
  }
  await confirmations.reserve(current.id, phone)
  context.data.phone_confirmed_at = null
  context.params.phoneToConfirm = phone
}

export const sendPhoneConfirmation = async (context: HookContext) => {
  const phone: string | undefined = context.params.phoneToConfirm
  if (phone) await context.app.service('phone-confirmations').send(Number(context.id), phone)
}
