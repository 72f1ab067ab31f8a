import type { Knex } from 'knex'
import { Forbidden, NotFound } from '@feathersjs/errors'
import type { Id } from '../../events'
import { isAdmin } from '../../hooks/require-admin'
import type { Channel } from './services/channels/channels.schema'

/**
 * The caller may see a channel if they are one of its current participants, checked
 * against the database on every call, or an admin. Outsiders learn nothing, not even
 * whether the channel exists.
 */
export async function requireChannelAccess(
  db: Knex,
  channelId: Id,
  params: { provider?: string; user?: { id: Id; role?: string } }
): Promise<Channel> {
  const row = await db('chat_channels as c')
    .leftJoin('chat_participants as p', (on) =>
      on
        .on('p.channel_id', 'c.id')
        .andOnVal('p.user_id', params.user?.id ?? 0)
        .andOnNull('p.removed_at')
    )
    .where('c.id', channelId)
    .first('c.*', db.raw('p.id is not null as is_participant'))
  if (isAdmin(params)) {
    if (!row) throw new NotFound(`No channel ${channelId}`)
  } else if (!row?.is_participant) {
    throw new Forbidden('You are not a participant of this channel')
  }
  const { is_participant: _isParticipant, ...channel } = row
  return channel
}
