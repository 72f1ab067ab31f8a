import type { ClientApplication } from '../../../../../src/client'

export const rolesOf = (participants: any[]) =>
  Object.fromEntries(participants.map((participant) => [participant.user_id, participant.role]))

export async function participantsOf(
  client: ClientApplication,
  channelId: number,
  extra: Record<string, unknown> = {}
) {
  const page = await client
    .service('participants')
    .find({ query: { channel_id: channelId, ...extra } as any })
  return page.data as any[]
}
