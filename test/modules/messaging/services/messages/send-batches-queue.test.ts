import assert from 'assert'
import { SendBatches } from '../../../../../src/modules/messaging/services/messages/send-batches'

type Outcomes = Array<PromiseSettledResult<string>>

/** A statement the test answers by hand, with what it was given. */
interface Statement {
  items: string[]
  nothingBehind: boolean
  answer(outcomes: Outcomes): void
  fail(error: unknown): void
}

const fulfilled = (items: string[]): Outcomes => items.map((value) => ({ status: 'fulfilled', value }))

/** Whether `promise` is still pending once everything already due has run. */
async function outcomeOf<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; pending?: true }> {
  const pending = new Promise<{ pending: true }>((resolve) =>
    setTimeout(() => resolve({ pending: true }), 50)
  )
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error })
    ),
    pending
  ])
}

describe('SendBatches: group commit per channel', () => {
  let statements: Statement[]
  let throwOn: number | undefined
  let batches: SendBatches<string, string>

  beforeEach(() => {
    statements = []
    throwOn = undefined
    batches = new SendBatches<string, string>((_channelId, items, nothingBehind) => {
      // A send that fails before its first await (its arguments, a client gone): it throws
      if (statements.length === throwOn) {
        statements.push({ items, nothingBehind, answer: () => undefined, fail: () => undefined })
        throw new Error('refused before the statement left')
      }
      return new Promise<Outcomes>((resolve, reject) => {
        statements.push({ items, nothingBehind, answer: resolve, fail: reject })
      })
    })
  })

  /** 'a' sent and answered; 'b' and 'c' in the statement now under way; 'd' queued behind it. */
  async function twoQueuedAndOneBehind() {
    const first = batches.submit(1, 'a')
    const queued = ['b', 'c'].map((item) => batches.submit(1, item))
    statements[0].answer(fulfilled(['A']))
    await first
    return { queued, behind: batches.submit(1, 'd') }
  }

  it('sends the first alone and those queued meanwhile together, the next statement leaving before the answers', async () => {
    const first = batches.submit(1, 'a')
    const queued = ['b', 'c'].map((item) => batches.submit(1, item))
    assert.deepStrictEqual(
      statements.map(({ items, nothingBehind }) => ({ items, nothingBehind })),
      [{ items: ['a'], nothingBehind: true }]
    )
    statements[0].answer(fulfilled(['A']))
    assert.strictEqual(await first, 'A')
    assert.deepStrictEqual(statements[1].items, ['b', 'c'])
    statements[1].answer(fulfilled(['B', 'C']))
    assert.deepStrictEqual(await Promise.all(queued), ['B', 'C'])
  })

  it('answers a committed batch even when the next one throws before its statement leaves, and fails that one', async () => {
    throwOn = 1
    const first = batches.submit(1, 'a')
    const second = batches.submit(1, 'b')
    statements[0].answer(fulfilled(['A']))
    assert.deepStrictEqual(await outcomeOf(first), { value: 'A' }, 'the committed send is answered')
    const refused = await outcomeOf(second)
    assert.ok(
      refused.error instanceof Error,
      `the send behind it fails, not hangs: ${JSON.stringify(refused)}`
    )
    // The channel is not left marked as under way: the next send goes
    const third = batches.submit(1, 'c')
    assert.strictEqual(statements.length, 3)
    statements[2].answer(fulfilled(['C']))
    assert.deepStrictEqual(await outcomeOf(third), { value: 'C' })
  })

  it('fails a lone send whose statement throws before it leaves', async () => {
    throwOn = 0
    const refused = await outcomeOf(batches.submit(1, 'a'))
    assert.ok(refused.error instanceof Error, JSON.stringify(refused))
    const next = batches.submit(1, 'b')
    statements[1].answer(fulfilled(['B']))
    assert.deepStrictEqual(await outcomeOf(next), { value: 'B' })
  })

  it('fails every send of a statement that fails, and goes on with the sends behind it', async () => {
    const { queued, behind } = await twoQueuedAndOneBehind()
    statements[1].fail(new Error('deadlock'))
    for (const send of queued)
      assert.strictEqual(((await outcomeOf(send)).error as Error)?.message, 'deadlock')
    statements[2].answer(fulfilled(['D']))
    assert.deepStrictEqual(await outcomeOf(behind), { value: 'D' })
  })

  it('answers each send once, and fails one its statement gave no outcome for', async () => {
    const { queued, behind } = await twoQueuedAndOneBehind()
    statements[1].answer(fulfilled(['B']))
    assert.deepStrictEqual(await outcomeOf(queued[0]), { value: 'B' })
    assert.ok((await outcomeOf(queued[1])).error instanceof Error, 'no outcome: failed, not left waiting')
    // The statement that left before these were answered is still the channel's: answered in turn
    statements[2].answer(fulfilled(['D']))
    assert.deepStrictEqual(await outcomeOf(behind), { value: 'D' })
    assert.strictEqual(statements.length, 3, 'no second drain of the channel ran beside the first')
  })
})
