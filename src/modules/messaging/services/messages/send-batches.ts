import type { Id } from '../../../../schema-types'

type Settle<Result> = { resolve: (result: Result) => void; reject: (error: unknown) => void }

/**
 * Group commit per channel. Sends to one channel take turns on its row lock, and each
 * used to hold it through its own commit, which waits for the WAL to reach the disk: a
 * busy channel was capped at one message per disk flush, however idle the database.
 * Here a send to a channel with no send under way on this instance goes at once, alone;
 * sends that arrive while one is under way wait for it and then go together, in one
 * statement (MessageSends), one transaction, one lock and one flush. Each still gets its own outcome. (No library
 * batches by "while a call for this key is in flight"; dataloader batches per tick.)
 */
export class SendBatches<Item, Result> {
  private waiting = new Map<Id, Array<{ item: Item } & Settle<Result>>>()
  private underWay = new Set<Id>()

  constructor(
    /** nothingBehind: no send waits behind these on their channel (when the batch was taken) */
    private send: (
      channelId: Id,
      items: Item[],
      nothingBehind: boolean
    ) => Promise<Array<PromiseSettledResult<Result>>>,
    private maxBatch = 50
  ) {}

  submit(channelId: Id, item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const queue = this.waiting.get(channelId)
      if (queue) queue.push({ item, resolve, reject })
      else this.waiting.set(channelId, [{ item, resolve, reject }])
      if (!this.underWay.has(channelId)) void this.drain(channelId)
    })
  }

  private async drain(channelId: Id) {
    this.underWay.add(channelId)
    try {
      for (let batch = this.sendNext(channelId); batch;) {
        const { waiters, outcomes } = batch
        const settled = await outcomes.then(
          (results) => ({ results }),
          (error: unknown) => ({ error })
        )
        // The next statement leaves before this batch is answered: answering runs each
        // send's after-hooks and deliveries, and the database would wait for all of that,
        // holding nothing, before its next turn on the channel's row. This batch has
        // committed, so the order of the channel's sends is kept all the same
        batch = this.sendNext(channelId)
        answer(waiters, settled)
      }
    } finally {
      this.underWay.delete(channelId)
    }
  }

  /** Takes the channel's next batch off its queue and starts its statement; undefined when none waits. */
  private sendNext(channelId: Id) {
    const queue = this.waiting.get(channelId)
    if (!queue?.length) return undefined
    const waiters = queue.splice(0, this.maxBatch)
    const nothingBehind = !queue.length
    if (nothingBehind) this.waiting.delete(channelId)
    let outcomes: Promise<Array<PromiseSettledResult<Result>>>
    try {
      outcomes = this.send(
        channelId,
        waiters.map(({ item }) => item),
        nothingBehind
      )
    } catch (error) {
      // A send that throws before its first await fails its own batch only: thrown here, it
      // would also leave the batch before it (committed) unanswered and the queue undrained
      outcomes = Promise.reject(error)
    }
    return { waiters, outcomes }
  }
}

/**
 * Each waiter settled once, by its own outcome: a waiter the statement gave no outcome for
 * fails rather than waits forever, and nothing here throws into the channel's drain, which
 * has the next statement under way already.
 */
function answer<Result>(
  waiters: Settle<Result>[],
  settled: { results: Array<PromiseSettledResult<Result>> } | { error: unknown }
) {
  waiters.forEach((waiter, i) => {
    if ('error' in settled) return waiter.reject(settled.error)
    const outcome = settled.results[i]
    if (!outcome) waiter.reject(new Error('The send statement gave no outcome for this send'))
    else if (outcome.status === 'fulfilled') waiter.resolve(outcome.value)
    else waiter.reject(outcome.reason)
  })
}
