import type { Application } from '../../declarations'
import type { Id } from '../../schema-types'
import { MalformedMarkup, sanitizeText } from '../../sanitize-text'

const UNREAD_SAMPLE = 100

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

const NAME_LENGTH = 20
// What makes a name a lure in an SMS: an address to visit or a number to call
const LINK_OR_NUMBER = /(^[a-z][a-z0-9+.-]*:|\/\/|www\.|@|\.[a-z]{2,}(\/|$)|\d{5,})/i

/**
 * The sender as an SMS or push names them: the first word of their name, plain text of
 * at most 20 characters, and "someone" if that word looks like a link, an address or a
 * phone number (a person named "https://evil.example/verify" must not make the platform's
 * own SMS carry the link). A name is sanitized when it is written; names stored before
 * that was so are sanitized here too.
 */
export const senderNameForNotification = (name: string | undefined) => {
  let first: string
  try {
    first = sanitizeText(name ?? '').split(/\s/)[0] ?? ''
  } catch (error) {
    if (error instanceof MalformedMarkup) return 'someone'
    throw error
  }
  if (!first || LINK_OR_NUMBER.test(first)) return 'someone'
  return [...first].slice(0, NAME_LENGTH).join('')
}

/**
 * The notification counts what the recipient has not read in the channel, e.g.
 * "3 new messages from Ana in Booking #42" or "5 new messages from Ana and 2 others"
 * (the latest sender named). `upToMessageId` is the newest message it counts.
 */
export async function composeText(app: Application, channelId: Id, userId: Id, lastReadSeq: number) {
  const [channel, unread] = await Promise.all([
    app.service('channels').get(channelId),
    app.service('messages').find({
      query: {
        channel_id: channelId,
        seq: { $gt: lastReadSeq },
        sender_id: { $ne: userId },
        is_deleted: false,
        $sort: { seq: -1 },
        $limit: UNREAD_SAMPLE
      }
    })
  ])
  const title = `${channel.context_type === 'booking' ? 'Booking' : 'Dispute'} #${channel.context_id}`
  const senderIds = [...new Set(unread.data.map((message) => message.sender_id))]
  const senders = senderIds.length
    ? await app.service('users').find({ query: { id: { $in: senderIds } }, paginate: false })
    : []
  const firstName = senderNameForNotification(senders.find((sender) => sender.id === senderIds[0])?.name)
  const from = senderIds.length > 1 ? `${firstName} and ${plural(senderIds.length - 1, 'other')}` : firstName
  const count = Math.max(unread.total, 1)
  return {
    title,
    text: `${plural(count, 'new message')} from ${from} in ${title}`,
    upToMessageId: unread.data[0]?.id ?? null
  }
}
