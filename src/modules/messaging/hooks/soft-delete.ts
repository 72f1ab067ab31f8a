import { Forbidden, NotFound } from '@feathersjs/errors'
import { getDispatch, setDispatch } from '@feathersjs/schema'
import type { HookContext, NextFunction } from '../../../declarations'
import { maySeeRecord } from '../access/channel-access'
import { shownExternally } from '../services/messages/messages.schema'
import type { Message } from '../services/messages/messages.schema'
import { NOT_FOUND } from '../services/messages/messages.class'

/**
 * What Feathers' `resolveExternal` does, with `shownExternally` for its resolver: each
 * message, and the result, keep what they are shown as (the dispatch), which is what
 * reaches the caller and the events.
 */
const tombstones = async (context: HookContext, next: NextFunction) => {
  await next()
  const existing = getDispatch(context.result)
  if (existing !== null) return void (context.dispatch = existing)
  const shown = (message: Message) =>
    getDispatch(message) ?? setDispatch(message, shownExternally(message, context))
  const paginated = context.method === 'find' && context.result.data
  const data = paginated ? context.result.data : context.result
  const dispatched = Array.isArray(data) ? data.map(shown) : shown(data)
  context.dispatch = setDispatch(
    context.result,
    paginated ? { ...context.result, data: dispatched } : dispatched
  )
}

/**
 * Soft-delete filtering. A deleted message stays in history as a tombstone (so seq is
 * contiguous) without its words, which are evidence for admins only: they opt in with
 * `$withDeleted` in `find`, and see them in `get` and `remove`. To everyone else a
 * deleted message is unknown (404, like a missing id) and `$withDeleted` is refused.
 * It decides after the call, so that an outsider is refused as for any other call on
 * the channel, whatever they ask for.
 */
export const softDelete = (context: HookContext, next: NextFunction) =>
  tombstones(context, async () => {
    await next()
    if (maySeeRecord(context.params)) return
    if (context.method === 'find' && context.params.query?.$withDeleted) {
      throw new Forbidden('Only an admin may see deleted messages')
    }
    const hidden = context.method === 'get' || (context.method === 'remove' && context.params.alreadyDeleted)
    if (hidden && context.result?.is_deleted) throw new NotFound(NOT_FOUND)
  })
