import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../../../declarations'

/**
 * A message may name its context instead of its channel; the first one in a context
 * opens the channel (or finds the one a concurrent first message opened).
 */
export const resolveContextChannel = async (context: HookContext) => {
  const { channel_id, context_type, context_id, ...rest } = context.data
  const namesContext = context_type !== undefined || context_id !== undefined
  if (channel_id !== undefined) {
    if (namesContext) throw new BadRequest('Give either channel_id or context_type and context_id, not both')
    return
  }
  if (context_type === undefined || context_id === undefined) {
    throw new BadRequest('A message needs a channel_id, or a context_type and a context_id')
  }
  // Once the channel exists, the send itself checks that the sender belongs in it
  const existing = await context.app.service('channels').idOf(context_type, context_id)
  const { user, provider } = context.params
  const channelId =
    existing ??
    (
      await context.app
        .service('channels')
        .create({ context_type, context_id }, { user, provider, authenticated: true })
    ).id
  context.data = { ...rest, channel_id: channelId }
}
