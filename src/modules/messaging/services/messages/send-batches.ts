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
        if ('error' in settled) waiters.forEach(({ reject }) => reject(settled.error))
        else
          settled.results.forEach((outcome, i) =>
            outcome.status === 'fulfilled'
              ? waiters[i].resolve(outcome.value)
              : waiters[i].reject(outcome.reason)
          )
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
    const outcomes = this.send(
      channelId,
      waiters.map(({ item }) => item),
      nothingBehind
    )
    return { waiters, outcomes }
  }
}
