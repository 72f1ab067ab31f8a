import assert from 'assert'
import { useServer } from '../helpers/app'
import { testDatabaseUrl } from '../helpers/database'
import type { BookingWorld } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import { closeClients, sleep, socketClient } from '../helpers/clients'
import { killTree, serve } from '../helpers/processes'
import type { Command } from '../helpers/processes'

const CALLS_PER_MINUTE = 40

describe('the log of refused calls', function () {
  this.timeout(90_000)
  // The same database, to build people the separate process serves
  const server = useServer()
  let command: Command | undefined
  let url: string
  let world: BookingWorld
  let channelId: number

  before(async () => {
    // People exist before it starts, so that it does not take itself for a first run
    ;({ world, channelId } = await bookingChannel(server.app))
    ;({ command, url } = await serve({
      DATABASE_URL: testDatabaseUrl,
      LOG_LEVEL: 'warn',
      CALLS_PER_MINUTE: String(CALLS_PER_MINUTE),
      // The flood is to be refused call by call, not cut off by the connection's packet budget
      SOCKET_PACKETS_PER_10_SECONDS: '1000000'
    }))
  })
  after(() => {
    closeClients()
    killTree(command)
  })

  it('has one line, without a stack, per limit and key in a window, however many calls it refuses', async () => {
    const attacker = await socketClient(url, world.worker)
    const find = () => attacker.service('messages').find({ query: { channel_id: channelId } })

    const settled = await Promise.allSettled(Array.from({ length: 500 }, find))
    for (let wave = 0; wave < 20; wave++)
      settled.push(...(await Promise.allSettled(Array.from({ length: 10 }, find))))
    const refused = settled.filter((outcome) => outcome.status === 'rejected')
    assert.ok(
      refused.length >= settled.length - CALLS_PER_MINUTE,
      `${refused.length} of ${settled.length} refused`
    )
    assert.ok(refused.every((outcome: any) => outcome.reason.code === 429))

    await sleep(200)
    const lines = command!
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
