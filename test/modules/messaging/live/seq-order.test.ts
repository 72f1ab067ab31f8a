import assert from 'assert'
import { createSeqOrder } from '../../../../src/modules/messaging/live/seq-order'
import type { SeqOrderSettings } from '../../../../src/modules/messaging/live/seq-order'
import type { Message } from '../../../../src/client'
import { sleep } from '../../../helpers/clients'

const settings: SeqOrderSettings = { reorder_window_ms: 40, reorder_max_held: 5, reorder_max_channels: 100 }
const message = (channel_id: number, seq: number) =>
  ({ id: channel_id * 1000 + seq, channel_id, seq }) as Message

/** A window whose publications are recorded as `channel:seq`. */
function windowOf(overrides: Partial<SeqOrderSettings> = {}) {
  const published: string[] = []
  const push = createSeqOrder((m) => published.push(`${m.channel_id}:${m.seq}`), {
    ...settings,
    ...overrides
  })
  const pushAll = (channel: number, seqs: number[]) => seqs.forEach((seq) => push(message(channel, seq)))
  return { published, pushAll }
}

describe('the reorder window on publish', () => {
  it('publishes a message that comes before its predecessor right after the predecessor', () => {
    const { published, pushAll } = windowOf()
    pushAll(1, [1, 3, 4, 2, 6, 5])
    assert.deepStrictEqual(published, ['1:1', '1:2', '1:3', '1:4', '1:5', '1:6'])
  })

  it('orders each channel on its own: a gap in one holds back no other', () => {
    const { published, pushAll } = windowOf()
    pushAll(1, [1])
    pushAll(2, [1])
    pushAll(1, [3])
    pushAll(2, [2, 3])
    pushAll(1, [2])
    assert.deepStrictEqual(published, ['1:1', '2:1', '2:2', '2:3', '1:2', '1:3'])
  })

  it('gives up on a gap that does not fill within the window, and publishes what it held in seq order', async () => {
    const { published, pushAll } = windowOf()
    pushAll(1, [1, 4, 3])
    assert.deepStrictEqual(published, ['1:1'])
    await sleep(settings.reorder_window_ms * 3)
    assert.deepStrictEqual(published, ['1:1', '1:3', '1:4'])
    // The predecessor that turns up after all is late: it leaves at once, and the channel goes on from 4
    pushAll(1, [2, 5])
    assert.deepStrictEqual(published, ['1:1', '1:3', '1:4', '1:2', '1:5'])
  })

  it('holds at most reorder_max_held messages of a channel: one more releases them all', () => {
    const { published, pushAll } = windowOf()
    pushAll(1, [1, 3, 4, 5, 6, 7])
    assert.deepStrictEqual(published, ['1:1'])
    pushAll(1, [8])
    assert.deepStrictEqual(published, ['1:1', '1:3', '1:4', '1:5', '1:6', '1:7', '1:8'])
  })

  it('holds the first messages of a channel it has not seen for one window, as their predecessors may be on the way', async () => {
    const { published, pushAll } = windowOf()
    pushAll(1, [42, 41])
    assert.deepStrictEqual(published, [])
    await sleep(settings.reorder_window_ms * 3)
    assert.deepStrictEqual(published, ['1:41', '1:42'])
    pushAll(1, [43])
    assert.deepStrictEqual(published, ['1:41', '1:42', '1:43'], 'known from then on')
  })

  it('publishes the first message of a new channel (seq 1) at once, and what it held back for it', () => {
    const { published, pushAll } = windowOf()
    pushAll(1, [1])
    pushAll(2, [2, 3, 1])
    assert.deepStrictEqual(published, ['1:1', '2:1', '2:2', '2:3'])
  })

  it('remembers at most reorder_max_channels channels, forgetting the least recently active', async () => {
    const { published, pushAll } = windowOf({ reorder_max_channels: 2 })
    pushAll(1, [1])
    pushAll(2, [1])
    pushAll(3, [1])
    // Channel 1 was forgotten: its next message waits a window; channel 3's leaves at once
    pushAll(1, [2])
    pushAll(3, [2])
    assert.deepStrictEqual(published, ['1:1', '2:1', '3:1', '3:2'])
    await sleep(settings.reorder_window_ms * 3)
    assert.deepStrictEqual(published, ['1:1', '2:1', '3:1', '3:2', '1:2'])
  })

  it('waits for nothing with a window of 0', () => {
    const { published, pushAll } = windowOf({ reorder_window_ms: 0 })
    pushAll(1, [1, 3, 2])
    assert.deepStrictEqual(published, ['1:1', '1:3', '1:2'])
  })
})
