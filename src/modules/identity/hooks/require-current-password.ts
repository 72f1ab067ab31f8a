import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../../../declarations'
import { localStrategyOf } from '../authentication'

/**
 * Setting one's own password takes the current one, admins included: a stolen token
 * alone must not be enough to keep the account for good. An admin setting someone
 * else's password needs none; neither do internal calls.
 */
export const requireCurrentPassword = async (context: HookContext) => {
  const { data, params, id } = context
  if (data.current_password !== undefined && data.password === undefined) {
    throw new BadRequest('current_password goes with a new password')
  }
  const ownPassword = params.provider && data.password !== undefined && String(id) === String(params.user?.id)
  if (!ownPassword) return
  if (data.current_password === undefined)
    throw new BadRequest('Changing your password needs current_password')
  // The caller's own id, which the check above found equal to the one named
  await localStrategyOf(context.app).verifyCurrentPassword(params.user!.id, data.current_password, params)
}
