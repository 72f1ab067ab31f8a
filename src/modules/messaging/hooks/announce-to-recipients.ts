import type { HookContext } from '../../../declarations'
import type { Message } from '../services/messages/messages.schema'

const PREVIEW_LENGTH = 100

/**
 * Tells whoever listens (notifications) who has a new message: one event per message,
 * naming every recipient. After the commit, and not awaited: a slow listener never
 * delays the sender's confirmation.
 */
export const announceToRecipients = async (context: HookContext) => {
  if (context.params.alreadyExisted) return
  const message = context.result as Message
  void context.app.get('events').emit('chat.message.created', {
    channel_id: message.channel_id,
    message_id: message.id,
    sender_id: message.sender_id,
    recipient_ids: context.params.recipientIds ?? [],
    // recipients read a masked channel's words masked, and so does anything that notifies them
    message_preview: [...(message.masked_content ?? message.content ?? '')].slice(0, PREVIEW_LENGTH).join('')
  })
}
