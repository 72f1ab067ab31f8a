import type { Knex } from 'knex'
import { Forbidden, NotFound } from '@feathersjs/errors'
import type { Id } from '../../../schema-types'
import { isAdmin, isAdminOrInternal } from '../../../hooks/require-admin'
import type { Channel } from '../services/channels/channels.schema'

/**
 * Who may do what with a channel: the one policy that every way in asks, so that no two
 * of them can ever answer differently. Top to bottom:
 *
 *   moderates            an admin's call or an internal one (admin tooling, workers)
 *   may read             a current participant, or who moderates: the channel, its messages,
 *                        participants, events and live events
 *   may write            a current participant while the channel is active; an admin, frozen
 *                        or not. A write acts as a person (the sender), so an internal call
 *                        sending as someone who is not an admin needs them to participate
 *   may delete           who may read the message: its sender while the channel is active,
 *                        and who moderates
 *   may see the record   who moderates: deleted words, chain links, former participants,
 *                        evidence exports and history checks
 *   may see muted        the participant it belongs to, and who moderates
 *   may see hidden       an admin, or an internal call that acts for nobody: contact details
 *   details              the guard masks (an internal call for a person sees what they see)
 *   may see presence     oneself, who shares a current channel, and who moderates
 *   may view and type    a current participant (its connection sits in the channel's room,
 *                        which follows participation)
 *
 * Who may not read a channel learns nothing of it: one refusal whether it exists or not.
 * The database side of "participates" and "may write" is written below once, as SQL the
 * queries embed, and a test holds both sides to the same table of cases.
 */

/** The words of every refusal of a channel the caller cannot see, so that no wording tells cases apart. */
export const NOT_PARTICIPANT = 'You are not a participant of this channel'

export type Caller = { provider?: string; user?: { id: Id; role?: string } }

/** Where a person stands with one channel, as the database says. */
export interface Standing {
  exists: boolean
  status?: 'active' | 'frozen'
  participant: boolean
}

export const moderates = (caller: Caller) => isAdminOrInternal(caller)
export const mayRead = (caller: Caller, standing: Standing) =>
  standing.exists && (moderates(caller) || standing.participant)
export const mayWrite = (sender: { role?: string }, standing: Standing) =>
  standing.exists && (isAdmin(sender) || (standing.participant && standing.status === 'active'))
export const mayDelete = (caller: Caller, standing: Standing, senderId: Id) =>
  mayRead(caller, standing) &&
  (moderates(caller) || (senderId === caller.user?.id && standing.status === 'active'))
export const maySeeRecord = (caller: Caller) => moderates(caller)
export const maySeeHiddenDetails = (caller: Caller) =>
  caller.user ? isAdmin(caller.user) : moderates(caller)
export const maySeeMutedOf = (caller: Caller, userId: Id) => moderates(caller) || caller.user?.id === userId
export const maySeePresenceOf = (caller: Caller, userId: Id, sharesAChannel: boolean) =>
  moderates(caller) || caller.user?.id === userId || sharesAChannel
export const mayViewAndType = (standing: Pick<Standing, 'participant'>) => standing.participant

/** SQL: `user` is a current participant of `channel` (both SQL expressions). */
export const participatesSql = (channel: string, user: string) =>
  `exists (select 1 from chat_participants p
    where p.channel_id = ${channel} and p.user_id = ${user} and p.removed_at is null)`

/** SQL: the channels `user` is a current participant of, as rows of `channel_id` (the rule of `participatesSql`). */
export const participationsSql = (user: string) =>
  `select p.channel_id from chat_participants p where p.user_id = ${user} and p.removed_at is null`

/** SQL of `mayWrite` for the channel row `channel`, a sender id and whether the sender is an admin. */
export const mayWriteSql = (channel: string, sender: string, senderIsAdmin: string) =>
  `(${senderIsAdmin} or (${channel}.status = 'active' and ${participatesSql(`${channel}.id`, sender)}))`

/** Joins `p`, the user's current participation in the channel row `c`: required, or optional for who reads every channel. */
export function joinParticipation(query: Knex.QueryBuilder, userId: Id, readsEveryChannel: boolean) {
  return query[readsEveryChannel ? 'leftJoin' : 'join']('chat_participants as p', (on) =>
    on.on('p.channel_id', 'c.id').andOnVal('p.user_id', userId).andOnNull('p.removed_at')
  )
}

/** The channel and where the user stands with it, in one read. */
async function standingWith(db: Knex, channelId: Id, userId: Id | undefined) {
  const row = await db('chat_channels as c')
    .where('c.id', channelId)
    .first('c.*', db.raw(`${participatesSql('c.id', '?')} as participant`, [userId ?? 0]))
  const { participant = false, ...channel } = row ?? {}
  const standing: Standing = { exists: Boolean(row), status: row?.status, participant }
  return { channel: channel as Channel, standing }
}

export const standingIn = async (db: Knex, channelId: Id, userId: Id | undefined) =>
  (await standingWith(db, channelId, userId)).standing

/** The refusal for who may not read a channel: outsiders learn nothing; who moderates, that it is missing. */
export function refusalToRead(caller: Caller, notFound: string) {
  return moderates(caller) ? new NotFound(notFound) : new Forbidden(NOT_PARTICIPANT)
}

/** The refusal of a send that `mayWrite` does not allow: to who may not read it, in the same words as a read's. */
export function refusalToWrite(sender: { role?: string }, standing: Standing, channelId: Id) {
  if (!standing.exists && isAdmin(sender)) return new NotFound(`No channel ${channelId}`)
  if (!standing.exists || !(isAdmin(sender) || standing.participant)) return new Forbidden(NOT_PARTICIPANT)
  return new Forbidden('This channel is frozen: it is read-only')
}

/** Evidence exports and history checks: only for who may see the record. */
export const requireRecordAccess = async (context: { params: Caller }, next?: () => Promise<void>) => {
  if (!maySeeRecord(context.params)) throw new Forbidden('Only an admin may do this')
  if (next) await next()
}

/** The channel, if the caller may read it; otherwise the refusal, checked against the database on every call. */
export async function requireChannelAccess(db: Knex, channelId: Id, caller: Caller): Promise<Channel> {
  const { channel, standing } = await standingWith(db, channelId, caller.user?.id)
  if (!mayRead(caller, standing)) throw refusalToRead(caller, `No channel ${channelId}`)
  return channel
}

/**
 * Whether the caller may read what belongs to the channel. A record in a channel the
 * caller cannot read is answered like one that does not exist, so that its id tells an
 * outsider nothing.
 */
export async function maySeeChannel(db: Knex, channelId: Id, caller: Caller): Promise<boolean> {
  if (moderates(caller)) return true
  return mayRead(caller, await standingIn(db, channelId, caller.user?.id))
}

/** The channel, if the caller may read it (read from the database for who moderates too). */
export async function readableChannel(db: Knex, channelId: Id, caller: Caller): Promise<Channel | undefined> {
  const { channel, standing } = await standingWith(db, channelId, caller.user?.id)
  return mayRead(caller, standing) ? channel : undefined
}

/** The channels each of these users currently takes part in: the rooms their connections sit in. */
export function currentParticipations(db: Knex, userIds: Id[]): Promise<{ user_id: Id; channel_id: Id }[]> {
  return db('chat_participants')
    .whereIn('user_id', userIds)
    .whereNull('removed_at')
    .select('user_id', 'channel_id')
}

export const channelIdsOf = async (db: Knex, userId: Id): Promise<Id[]> =>
  (await currentParticipations(db, [userId])).map((row) => row.channel_id)

/** Which of `ids` the caller may see the presence of. */
export async function presenceVisibleTo(db: Knex, caller: Caller, ids: Id[]): Promise<Id[]> {
  if (moderates(caller)) return ids
  const sharing: Id[] = await db('chat_participants as mine')
    .join('chat_participants as theirs', 'theirs.channel_id', 'mine.channel_id')
    .where('mine.user_id', caller.user!.id)
    .whereNull('mine.removed_at')
    .whereNull('theirs.removed_at')
    .whereIn('theirs.user_id', ids)
    .distinct()
    .pluck('theirs.user_id')
  return ids.filter((id) => maySeePresenceOf(caller, id, sharing.includes(id)))
}
