import { Forbidden, NotFound } from '@feathersjs/errors'
import { hooks as schemaHooks } from '@feathersjs/schema'
import type { HookContext, NextFunction } from '../../../declarations'
import { maySeeRecord } from '../access/channel-access'
import { messageExternalResolver } from '../services/messages/messages.schema'
import { NOT_FOUND } from '../services/messages/messages.class'

const tombstones = schemaHooks.resolveExternal(messageExternalResolver)

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
