import { BadRequest, MethodNotAllowed } from '@feathersjs/errors'
import type { HookContext } from '../declarations'

const CHANGES_BY_ID = ['update', 'patch', 'remove']

/**
 * The changes without an id that still touch one record, the caller's own: logging out
 * (`remove(null)` on authentication), and marking a channel read
 * (`participants.patch(null, data, { query: { channel_id } })`).
 */
const namesItsRecordOtherwise = (context: HookContext) =>
  context.path === 'authentication' || (context.path === 'participants' && context.method === 'patch')

/**
 * No service here takes several records in one call, so an array body or a missing id
 * is refused before anything else runs: authentication, resolvers and password hashing
 * would otherwise do their work once per element before the database refused the lot.
 * Data that is not an object at all (`null`, `42`) is refused here too, before hooks
 * that look into it.
 */
export const requireOneRecord = async (context: HookContext) => {
  if (Array.isArray(context.data)) throw new BadRequest('Send one record per call, not an array')
  if (context.data !== undefined && (context.data === null || typeof context.data !== 'object')) {
    throw new BadRequest('The data must be an object')
  }
  if (CHANGES_BY_ID.includes(context.method) && context.id === null && !namesItsRecordOtherwise(context)) {
    throw new MethodNotAllowed(`'${context.method}' changes one record at a time: name its id`)
  }
}
