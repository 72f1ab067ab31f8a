import type { ClientApplication } from './client'

/** A channel's head as a checkpoint signed it: `seq` messages and `event_seq` events, ending in `head`. */
export interface SeenHead {
  seq: number
  event_seq: number
  head: string | null
}

/**
 * The server showed a channel's history that does not extend a head this client saw
 * before: fewer entries than then, or the same entries ending in another hash. Either the
 * history was cut or rewritten, or the server is not the one it was: keep the earlier
 * checkpoint (`held`) as evidence.
 */
export class HistoryRewrittenError extends Error {
  readonly name = 'HistoryRewrittenError'
  constructor(
    readonly channelId: number,
    readonly held: SeenHead,
    readonly shown: SeenHead
  ) {
    super(
      `The history of channel ${channelId} does not extend the head this client saw: ` +
        `it held ${held.seq} messages and ${held.event_seq} events ending in ${held.head}, ` +
        `the server now shows ${shown.seq} messages and ${shown.event_seq} events ending in ${shown.head}`
    )
  }
}

// Per client, so that every stream a client opens on a channel compares with the newest head any saw
const heldByClient = new WeakMap<ClientApplication, Map<number, SeenHead>>()

/**
 * Compares a checkpoint the server shows with the newest head this client saw of the
 * channel, keeps the newer, and returns the error when it does not extend the held one.
 * A later state with more entries is taken as it is: heads alone cannot tell whether it
 * extends the held one (`verify-history --against` with the kept checkpoint can).
 */
export function compareWithHeld(client: ClientApplication, channelId: number, shown: SeenHead) {
  if (!heldByClient.has(client)) heldByClient.set(client, new Map())
  const held = heldByClient.get(client)!
  const before = held.get(channelId)
  const cut = before && (shown.seq < before.seq || shown.event_seq < before.event_seq)
  const replaced =
    before && shown.seq === before.seq && shown.event_seq === before.event_seq && shown.head !== before.head
  if (cut || replaced) return new HistoryRewrittenError(channelId, before!, shown)
  held.set(channelId, { seq: shown.seq, event_seq: shown.event_seq, head: shown.head })
  return undefined
}

/** The newest head this client saw of a channel, if any. */
export const heldHead = (client: ClientApplication, channelId: number) =>
  heldByClient.get(client)?.get(channelId)
