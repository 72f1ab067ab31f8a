import type { Knex } from 'knex'
import { Forbidden, NotFound } from '@feathersjs/errors'
import type { Id } from '../../schema-types'
import { isAdminOrInternal } from '../../hooks/require-admin'
import type { Channel } from './services/channels/channels.schema'

/** What every refusal of a channel the caller cannot see says, so that no wording tells cases apart. */
export const NOT_PARTICIPANT = 'You are not a participant of this channel'

type Caller = { provider?: string; user?: { id: Id; role?: string } }

/** The channel with whether the caller is one of its current participants, read from the database. */
const channelWithParticipation = (db: Knex, channelId: Id, params: Caller) =>
  db('chat_channels as c')
    .leftJoin('chat_participants as p', (on) =>
      on
        .on('p.channel_id', 'c.id')
        .andOnVal('p.user_id', params.user?.id ?? 0)
        .andOnNull('p.removed_at')
    )
    .where('c.id', channelId)
    .first('c.*', db.raw('p.id is not null as is_participant'))

/**
 * The caller may see a channel if they are one of its current participants, checked
 * against the database on every call, or an admin. Outsiders learn nothing, not even
 * whether the channel exists.
 */
export async function requireChannelAccess(db: Knex, channelId: Id, params: Caller): Promise<Channel> {
  const row = await channelWithParticipation(db, channelId, params)
  if (isAdminOrInternal(params)) {
    if (!row) throw new NotFound(`No channel ${channelId}`)
  } else if (!row?.is_participant) {
    throw new Forbidden(NOT_PARTICIPANT)
  }
  const { is_participant: _isParticipant, ...channel } = row
  return channel
}

/**
 * Whether the caller may see what belongs to the channel. A record in a channel the
 * caller cannot see is answered like one that does not exist, so that its id tells
 * an outsider nothing.
 */
export async function maySeeChannel(db: Knex, channelId: Id, params: Caller): Promise<boolean> {
  if (isAdminOrInternal(params)) return true
  const row = await channelWithParticipation(db, channelId, params)
  return Boolean(row?.is_participant)
}
