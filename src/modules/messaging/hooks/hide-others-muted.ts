import type { HookContext } from '../../../declarations'
import { maySeeMutedOf } from '../access/channel-access'
import type { Participant } from '../services/participants/participants.schema'

/** A participant as the others in the channel see it: whether it muted the channel is its own business. */
export const withoutMuted = ({ muted: _muted, ...participant }: Participant): Participant => participant

/**
 * `muted` is shown to the participant it belongs to (and to admins), never to the other
 * people in the channel: who silenced whom is not theirs to read.
 */
export const hideOthersMuted = async (context: HookContext) => {
  const { params, result } = context
  if (!result) return
  const own = (participant: Participant) =>
    maySeeMutedOf(params, participant.user_id) ? participant : withoutMuted(participant)
  if (Array.isArray(result.data)) context.result = { ...result, data: result.data.map(own) }
  else if (Array.isArray(result)) context.result = result.map(own)
  else context.result = own(result)
}
