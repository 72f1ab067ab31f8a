/**
 * The statuses of the contexts people talk about, shared by the module that owns them
 * (contexts) and the one that follows them (messaging), so that neither imports the other.
 * A context in one of its `over` statuses is finished: its channel becomes read-only.
 */
export const bookingStatuses = ['pending', 'confirmed', 'in_progress', 'completed', 'cancelled'] as const
export const disputeStatuses = ['open', 'resolved', 'closed'] as const

export type BookingStatus = (typeof bookingStatuses)[number]
export type DisputeStatus = (typeof disputeStatuses)[number]
export type ContextStatus = BookingStatus | DisputeStatus

const overStatuses: ReadonlySet<ContextStatus> = new Set<ContextStatus>([
  'completed',
  'cancelled',
  'resolved',
  'closed'
])

/** Whether a booking or dispute in this status is finished. */
export const isOver = (status: ContextStatus) => overStatuses.has(status)
