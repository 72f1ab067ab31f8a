import type { Application } from '../../../../declarations'
import type { Id } from '../../../../schema-types'
import type { ChannelView, ContextSummary, LastMessage } from './channels.schema'

/** A row of the channels view query: the channel, the caller's position, its last message flat. */
export type ChannelRow = Omit<ChannelView, 'title' | 'summary' | 'last_message'> & {
  lm_id: Id | null
  lm_seq: number
  lm_sender_id: Id
  lm_content: string
  lm_created_at: string
  lm_is_deleted: boolean
  lm_deleted_at: string
}

const unique = (ids: Id[]) => [...new Set(ids)]

/**
 * Names and summarises channels from their contexts, read through the contexts' and
 * identity's services: a few queries for the whole page (disputes, bookings, companies,
 * and senders' names the cache does not hold), whatever the number of channels.
 */
export async function describeChannels(app: Application, rows: ChannelRow[]): Promise<ChannelView[]> {
  if (!rows.length) return []
  const idsOf = (type: ChannelRow['context_type']) =>
    unique(rows.filter((row) => row.context_type === type).map((row) => row.context_id))
  const disputeIds = idsOf('dispute')
  const disputes = disputeIds.length
    ? await app.service('disputes').find({ query: { id: { $in: disputeIds } }, paginate: false })
    : []
  const bookingIds = unique([...idsOf('booking'), ...disputes.map((dispute) => dispute.booking_id)])
  const bookings = await app.service('bookings').find({ query: { id: { $in: bookingIds } }, paginate: false })
  const companyIds = unique(
    bookings.flatMap((booking) => [booking.borrower_company_id, booking.lender_company_id])
  )
  const companies = await app
    .service('companies')
    .find({ query: { id: { $in: companyIds } }, paginate: false })
  const senderIds = rows
    .filter((row) => row.lm_id !== null && !row.lm_is_deleted)
    .map((row) => row.lm_sender_id)
  const names = senderIds.length ? await app.service('users').namesOf(senderIds) : new Map<Id, string>()

  const company = (id: Id) => ({ id, name: companies.find((found) => found.id === id)?.name ?? '' })
  const bookingOf = (id: Id) => bookings.find((booking) => booking.id === id)
  // A context lives in another module's tables: a channel whose context cannot be read still lists
  const summaryOf = (row: ChannelRow): ContextSummary | null => {
    const dispute =
      row.context_type === 'dispute' ? disputes.find((found) => found.id === row.context_id) : undefined
    const booking = bookingOf(row.context_type === 'booking' ? row.context_id : (dispute?.booking_id ?? 0))
    if (!booking) return null
    return {
      borrower: company(booking.borrower_company_id),
      lender: company(booking.lender_company_id),
      status: dispute?.status ?? booking.status
    }
  }

  return rows.map((row) => {
    const summary = summaryOf(row)
    const label = `${row.context_type === 'booking' ? 'Booking' : 'Dispute'} #${row.context_id}`
    const {
      lm_id,
      lm_seq,
      lm_sender_id,
      lm_content,
      lm_created_at,
      lm_is_deleted,
      lm_deleted_at,
      ...channel
    } = row
    let last_message: LastMessage | null = null
    if (lm_id !== null) {
      last_message = lm_is_deleted
        ? { id: lm_id, seq: lm_seq, is_deleted: true, deleted_at: lm_deleted_at }
        : {
            id: lm_id,
            seq: lm_seq,
            sender: { id: lm_sender_id, name: names.get(lm_sender_id) ?? '' },
            content: lm_content,
            created_at: lm_created_at
          }
    }
    return {
      ...channel,
      title: summary ? `${label} · ${summary.borrower.name} ↔ ${summary.lender.name}` : label,
      summary,
      last_message
    }
  })
}
