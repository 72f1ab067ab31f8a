import assert from 'assert'
import { TokenExpiry } from '../../../src/modules/identity/token-expiry'
import { sleep, waitUntil } from '../../helpers/clients'

describe('one timer for the expiry of every connection’s token', () => {
  it('ends each connection at its token’s second, in the order they are due, and never one that was forgotten', async () => {
    const ended: Array<{ name: string; at: number }> = []
    const expiry = new TokenExpiry<{ name: string }>(({ name }) => ended.push({ name, at: Date.now() }))
    const second = Math.ceil(Date.now() / 1000)
    const [later, sooner, forgotten, renewed] = ['later', 'sooner', 'forgotten', 'renewed'].map((name) => ({
      name
    }))
    // Tracked out of order: the sooner one arms the timer again for its earlier second
    expiry.track(later, second + 2)
    expiry.track(sooner, second + 1)
    expiry.track(forgotten, second + 1)
    expiry.forget(forgotten)
    // A login again on the same connection: only the new token's expiry counts
    expiry.track(renewed, second + 1)
    expiry.track(renewed, second + 2)
    await waitUntil(() => ended.length === 3, 'three connections ended', 6000)
    await sleep(200)
    assert.deepStrictEqual(
      ended.map(({ name }) => name),
      ['sooner', 'later', 'renewed']
    )
    assert.ok(ended[0].at >= (second + 1) * 1000, 'not before its second')
    assert.ok(ended[1].at >= (second + 2) * 1000, 'not before its second')
    expiry.stop()
  })

  it('keeps a connection alone in its second without a set of its own, and ends it and its second’s others', async () => {
    const ended: string[] = []
    const expiry = new TokenExpiry<{ name: string }>(({ name }) => ended.push(name))
    // Its seconds, which it keeps unexported: a connection, or a set of the second's connections
    const due = (expiry as any).due as Map<number, unknown>
    const second = Math.ceil(Date.now() / 1000)
    const [alone, first, second_, gone] = ['alone', 'first', 'second', 'gone'].map((name) => ({ name }))
    expiry.track(alone, second + 1)
    expiry.track(first, second + 2)
    expiry.track(gone, second + 3)
    assert.strictEqual(due.get(second + 1), alone, 'the connection itself')
    expiry.track(second_, second + 2)
    assert.deepStrictEqual(due.get(second + 2), new Set([first, second_]))
    expiry.forget(gone)
    assert.strictEqual(due.has(second + 3), false, 'a forgotten lone connection leaves its second')
    await waitUntil(() => ended.length === 3, 'three connections ended', 6000)
    assert.deepStrictEqual(ended, ['alone', 'first', 'second'])
    assert.strictEqual(due.size, 0)
  })

  it('ends a connection whose token has already expired at once', async () => {
    const ended: string[] = []
    const expiry = new TokenExpiry<{ name: string }>(({ name }) => ended.push(name))
    expiry.track({ name: 'stale' }, Math.floor(Date.now() / 1000) - 5)
    await waitUntil(() => ended.length === 1, 'the stale connection ended', 1000)
    assert.deepStrictEqual(ended, ['stale'])
  })
})
