import type { ClientApplication } from '../../../../../src/client'
import type {
  Participant,
  ParticipantQuery
} from '../../../../../src/modules/messaging/services/participants/participants.schema'

export const rolesOf = (participants: Participant[]) =>
  Object.fromEntries(participants.map((participant) => [participant.user_id, participant.role]))

export async function participantsOf(
  client: ClientApplication,
  channelId: number,
  extra: Omit<ParticipantQuery, 'channel_id'> = {}
) {
  const page = await client.service('participants').find({ query: { channel_id: channelId, ...extra } })
  return page.data
}
