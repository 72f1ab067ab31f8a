import assert from 'assert'
import { sleep, socketClient } from '../helpers/clients'
import { useServedApp } from '../helpers/served-app'

const CALLS_PER_MINUTE = 40

describe('the log of refused calls', function () {
  this.timeout(90_000)
  const served = useServedApp({
    LOG_LEVEL: 'warn',
    CALLS_PER_MINUTE: String(CALLS_PER_MINUTE),
    // The flood is to be refused call by call, not cut off by the connection's packet budget
    SOCKET_PACKETS_PER_10_SECONDS: '1000000'
  })

  it('has one line, without a stack, per limit and key in a window, however many calls it refuses', async () => {
    const attacker = await socketClient(served.url, served.world.worker)
    const find = () => attacker.service('messages').find({ query: { channel_id: served.channelId } })

    const settled = await Promise.allSettled(Array.from({ length: 500 }, find))
    for (let wave = 0; wave < 20; wave++)
      settled.push(...(await Promise.allSettled(Array.from({ length: 10 }, find))))
    const refused = settled.filter(
      (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected'
    )
    assert.ok(
      refused.length >= settled.length - CALLS_PER_MINUTE,
      `${refused.length} of ${settled.length} refused`
    )
    assert.ok(refused.every((outcome) => outcome.reason.code === 429))

    await sleep(200)
    const lines = served.command
      .output()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
    const about = (text: RegExp) => lines.filter((line) => text.test(line.message))
    assert.strictEqual(about(/rate limit reached/).length, 1, JSON.stringify(lines))
    assert.strictEqual(about(/too many calls in flight/).length, 1, JSON.stringify(lines))
    assert.deepStrictEqual(
      lines.filter((line) => 'stack' in line || line.level === 'error'),
      []
    )
    assert.ok(lines.length <= 4, `${lines.length} lines for ${refused.length} refusals`)
  })
})
