import type { UnreadSummary } from '../messaging/services/participants/participants.class'
import { MalformedMarkup, sanitizeText } from '../../sanitize-text'

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
 * (the latest sender named, the others counted among the newest hundred unread).
 * `upToMessageId` is the newest message it counts.
 */
export function composeText(unread: UnreadSummary, latestSenderName: string | undefined) {
  const title = `${unread.context_type === 'booking' ? 'Booking' : 'Dispute'} #${unread.context_id}`
  const firstName = senderNameForNotification(latestSenderName)
  const from = unread.senders > 1 ? `${firstName} and ${plural(unread.senders - 1, 'other')}` : firstName
  const count = Math.max(unread.unread, 1)
  return {
    title,
    text: `${plural(count, 'new message')} from ${from} in ${title}`,
    upToMessageId: unread.newest?.id ?? null
  }
}
