import escapeHtml from 'escape-html'
import type { HookContext } from '../../../declarations'
import { maySeeHiddenDetails } from '../access/channel-access'
import { contactGuardSettings } from './guard-hooks'
import { masksSomeStatus } from './policy'
import type { Message } from '../services/messages/messages.schema'
import type { ChannelView } from '../services/channels/channels.schema'

/**
 * Whether what was read can hold no masked message: it is all from the one channel the
 * service read (`channelRead`, set by `find` and `get`), and no status of that channel's
 * context type masks, so no finding there was ever recorded as a mask under these
 * settings. Anything else (a search across channels, an idempotent retry's answer) is
 * looked up.
 */
function nothingMaskable(context: HookContext, messages: Message[]) {
  const read = context.params.channelRead
  if (!read || !messages.every((message) => message.channel_id === read.id)) return false
  return !masksSomeStatus(contactGuardSettings(context.app), read.context_type)
}

/**
 * Messages read by a participant carry the masked text of a masked channel's messages
 * (`masked_content`, which the external resolver shows instead of `content` and never
 * sends itself): one read for the whole page, none in a channel nothing can be masked in.
 * Admins read the record as sent.
 */
export const attachMaskedContents = async (context: HookContext) => {
  if (maySeeHiddenDetails(context.params)) return
  if (context.method === 'create' && !context.params.alreadyExisted) return
  const messages: Message[] = context.method === 'find' ? context.result.data : [context.result]
  if (nothingMaskable(context, messages)) return
  const masked = await context.app
    .service('contact-findings')
    .maskedContents(messages.filter((message) => message.masked_content === undefined))
  if (!masked.size) return
  // A search snippet is cut from the words as sent, so a masked message's snippet is its
  // masked text instead: searching must not show what masking hides
  const withMask = (message: Message): Message => {
    const text = masked.get(message.id)
    if (text === undefined) return message
    const snippet = message.snippet === undefined ? {} : { snippet: escapeHtml(text.slice(0, 240)) }
    return { ...message, masked_content: text, ...snippet }
  }
  context.result =
    context.method === 'find' ? { ...context.result, data: messages.map(withMask) } : withMask(context.result)
}

/** A channel list's last-message previews, masked for a participant as the messages are. */
export const maskLastMessages = async (context: HookContext) => {
  if (maySeeHiddenDetails(context.params)) return
  const views: ChannelView[] = context.method === 'find' ? context.result.data : [context.result]
  const previews = views.flatMap((view) =>
    view.last_message && 'content' in view.last_message ? [view.last_message] : []
  )
  const masked = await context.app.service('contact-findings').maskedContents(previews)
  for (const preview of previews) {
    const text = masked.get(preview.id)
    if (text !== undefined) preview.content = text
  }
}

/** A message as it leaves for someone who sees contact details: the record, without the masked copy. */
export const asSent = ({ masked_content: _masked, ...message }: Message): Message => message

/** … and for a participant of a masked channel: the masked text in place of the words. */
export const asMasked = ({ masked_content, ...message }: Message): Message =>
  masked_content === undefined ? message : { ...message, content: masked_content }
