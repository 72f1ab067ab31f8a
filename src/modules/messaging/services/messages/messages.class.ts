import type { Knex } from 'knex'
import type { Paginated } from '@feathersjs/feathers'
import type { Id } from '../../../../schema-types'
import { BadRequest, Forbidden, NotFound } from '@feathersjs/errors'
import type { Application, ServiceParams } from '../../../../declarations'
import { withRetry } from '../../../../database/errors'
import {
  mayDelete,
  moderates,
  readableChannel,
  refusalToWrite,
  requireChannelAccess,
  standingIn
} from '../../access/channel-access'
import { page } from '../../page'
import { MESSAGE_COLUMNS } from './messages.schema'
import type { Message, MessageData, MessageQuery } from './messages.schema'
import type { Channel } from '../channels/channels.schema'
import { MessageSends } from './message-sends'
import { FlushBarrier } from './flush-barrier'
import { searchMessages } from './search'
import { messageMetrics } from '../../../../metrics/messages'
import { guardParameter } from '../../contact-guard/send-guard'
import type { GuardRequest } from '../../contact-guard/send-guard'

export type { Message, MessageData, MessageQuery }

export interface MessageParams extends ServiceParams<MessageQuery> {
  /** set by `create`: who the new message is for (its channel's participants but the sender) */
  recipientIds?: Id[]
  /** set by `remove` when the message was deleted before: the soft-delete hook hides it from non-admins */
  alreadyDeleted?: boolean
  /** set by `find` and `get` for a person: the channel read, whose context type says whether anything in it can be masked */
  channelRead?: Pick<Channel, 'id' | 'context_type'>
  /** set by the contact guard before `create`: what the send records of the details found, and told what it applied */
  contactGuard?: GuardRequest
}

// The same words whether the id is unknown, in a channel the caller cannot see, or deleted
export const NOT_FOUND = 'No such message'

export class MessageService {
  private metrics: ReturnType<typeof messageMetrics>
  private sends = new MessageSends(
    () => this.db,
    (seconds) => this.metrics.sendStatement.observe(seconds)
  )
  private flushed = new FlushBarrier(
    () => this.db,
    (seconds) => this.metrics.flushBarrier.observe(seconds)
  )

  constructor(private app: Application) {
    this.metrics = messageMetrics(app)
  }

  private get db(): Knex {
    return this.app.get('postgresqlClient')
  }

  async find(params: MessageParams = {}): Promise<Paginated<Message>> {
    const query = params.query!
    if (query.$search !== undefined) return searchMessages(this.app, query, params)
    if (query.channel_id === undefined) {
      throw new BadRequest('A history needs a channel_id (only $search reads across channels)', {
        field: 'channel_id'
      })
    }
    const channel = await requireChannelAccess(this.db, query.channel_id, params)
    params.channelRead = { id: channel.id, context_type: channel.context_type }
    // Deleted messages stay in the page (the soft-delete hook makes them tombstones), so that seq is contiguous
    const base = this.db('chat_messages').select(MESSAGE_COLUMNS).where({ channel_id: query.channel_id })
    if (query.is_deleted !== undefined) base.where({ is_deleted: query.is_deleted })
    if (typeof query.sender_id === 'number') base.where({ sender_id: query.sender_id })
    else if (query.sender_id) base.whereNot({ sender_id: query.sender_id.$ne })
    if (typeof query.seq === 'number') base.where({ seq: query.seq })
    else if (query.seq) {
      const operators = { $lt: '<', $lte: '<=', $gt: '>', $gte: '>=' } as const
      for (const [key, operator] of Object.entries(operators)) {
        const value = query.seq[key as keyof typeof operators]
        if (value !== undefined) base.where('seq', operator, value)
      }
    }
    return page(this.app, base, query, (builder) =>
      builder.orderBy('seq', query.$sort?.seq === 1 ? 'asc' : 'desc')
    )
  }

  async get(id: Id, params: MessageParams = {}): Promise<Message> {
    const message: Message | undefined = await this.db('chat_messages').where({ id }).first(MESSAGE_COLUMNS)
    if (!message) throw new NotFound(NOT_FOUND)
    if (moderates(params)) return message
    const channel = await readableChannel(this.db, message.channel_id, params)
    if (!channel) throw new NotFound(NOT_FOUND)
    params.channelRead = { id: channel.id, context_type: channel.context_type }
    return message
  }

  /**
   * One atomic statement, whatever the channel's size: it takes the next seq by updating
   * the channel row (concurrent senders queue on that row lock, so seq is gap-free in
   * commit order), inserts the message and moves the sender's read position. The lock
   * is held for that statement only. A known client_id returns the first message.
   */
  async create(data: MessageData, params: MessageParams = {}): Promise<Message> {
    const sender = params.user
    if (!sender) throw new BadRequest('A message needs a sender (params.user)')
    const channelId = await this.channelOf(data, params)
    const clientId = data.client_id ?? null

    const sent = await withRetry(async () => {
      if (clientId) {
        const first = await this.sends.findByClientId(channelId, sender.id, clientId)
        if (first) return { message: first, existed: true, onDisk: false }
      }
      try {
        const row = await this.sends.submit(channelId, {
          channelId,
          senderId: sender.id,
          content: data.content,
          clientId,
          contactGuard: guardParameter(params.contactGuard)
        })
        if (!row) return { message: undefined, existed: false, onDisk: false }
        const { recipient_ids, contact_policy, on_disk, ...message } = row
        params.recipientIds = recipient_ids
        if (params.contactGuard && contact_policy) params.contactGuard.applied = contact_policy
        return { message: message as Message, existed: false, onDisk: on_disk }
      } catch (error: any) {
        // A concurrent retry with the same client_id committed first; this one rolled back whole
        if (clientId && error?.constraint === 'chat_messages_client_id_unique') {
          const first = await this.sends.findByClientId(channelId, sender.id, clientId)
          if (first) return { message: first, existed: true, onDisk: false }
        }
        throw error
      }
    })

    if (!sent.message)
      throw refusalToWrite(sender, await standingIn(this.db, channelId, sender.id), channelId)
    // Outside the retries: a send that committed is never sent again. A message found by its
    // client_id may be another call's that committed without waiting for the disk
    if (!sent.onDisk) await this.flushed.afterCommit()
    if (sent.existed) params.alreadyExisted = true
    else this.metrics.sent.inc({ transport: params.provider ?? 'internal' })
    return sent.message
  }

  /**
   * The channel a message names, or the one of the context it names instead: the first
   * message in a context opens the channel (a concurrent first message finds the same).
   * Once the channel exists, the send itself checks that the sender belongs in it.
   */
  private async channelOf(data: MessageData, params: MessageParams): Promise<Id> {
    const { channel_id, context_type, context_id } = data
    const namesContext = context_type !== undefined || context_id !== undefined
    if (channel_id !== undefined) {
      if (namesContext)
        throw new BadRequest('Give either channel_id or context_type and context_id, not both')
      return channel_id
    }
    if (context_type === undefined || context_id === undefined) {
      throw new BadRequest('A message needs a channel_id, or a context_type and a context_id')
    }
    const channels = this.app.service('channels')
    return (
      (await channels.idOf(context_type, context_id)) ??
      (await channels.open(context_type, context_id, { user: params.user, provider: params.provider })).id
    )
  }

  /** Soft delete: the row stays as evidence, flagged and hidden from normal views. */
  async remove(id: Id, params: MessageParams = {}): Promise<Message> {
    const message = await this.get(id, params)
    if (message.is_deleted) {
      params.alreadyDeleted = true
      return message
    }
    const standing = await standingIn(this.db, message.channel_id, params.user?.id)
    if (!mayDelete(params, standing, message.sender_id)) {
      throw new Forbidden(
        message.sender_id === params.user?.id
          ? 'This channel is frozen: it is read-only'
          : 'You can only delete your own messages'
      )
    }
    const [deleted]: Message[] = await this.db('chat_messages')
      .where({ id, is_deleted: false })
      .update({ is_deleted: true, deleted_at: this.db.fn.now(), deleted_by: params.user?.id ?? null })
      .returning(MESSAGE_COLUMNS)
    return deleted ?? this.db('chat_messages').where({ id }).first(MESSAGE_COLUMNS)
  }
}
