import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../../../declarations'

/** One record per call: each send has its own seq, idempotency key and confirmation. */
export const refuseBatch = async (context: HookContext) => {
  if (Array.isArray(context.data)) throw new BadRequest('Create one record per call, not an array')
}
