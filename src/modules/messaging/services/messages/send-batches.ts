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
      for (let queue = this.waiting.get(channelId); queue?.length; queue = this.waiting.get(channelId)) {
        const batch = queue.splice(0, this.maxBatch)
        const nothingBehind = !queue.length
        if (nothingBehind) this.waiting.delete(channelId)
        try {
          const outcomes = await this.send(
            channelId,
            batch.map(({ item }) => item),
            nothingBehind
          )
          outcomes.forEach((outcome, i) =>
            outcome.status === 'fulfilled' ? batch[i].resolve(outcome.value) : batch[i].reject(outcome.reason)
          )
        } catch (error) {
          batch.forEach(({ reject }) => reject(error))
        }
      }
    } finally {
      this.underWay.delete(channelId)
    }
  }
}
