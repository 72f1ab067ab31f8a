import assert from 'assert'
import { performance } from 'perf_hooks'
import { useServer } from '../../../helpers/app'
import type { BookingWorld } from '../../../helpers/factories'
import { nextEvent, recordEvents, sleep, socketClient, socketOf } from '../../../helpers/clients'
import { redisSettings } from '../../../helpers/redis'
import { QUIET_MS } from '../../../helpers/assertions'
import { bookingChannelWithClients } from '../../../helpers/fixtures'

const THROTTLE_MS = 300
const FLOOD_MS = 2000

describe('typing floods (one instance on Redis)', function () {
  this.timeout(30_000)
  const server = useServer(() => ({
    redis: redisSettings(),
    presence: { expiry_seconds: 30, typing_seconds: 6, typing_throttle_ms: THROTTLE_MS }
  }))
  let world: BookingWorld
  let channelId: number

  before(async () => {
    ;({ world, channelId } = await bookingChannelWithClients(server))
  })

  it('tells a viewer at most once per interval whatever the sequence, ending on the last state, and drops no bystander', async () => {
    const attacker = await socketClient(server.url, world.worker)
    const viewer = await socketClient(server.url, world.supervisor)
    const bystander = await socketClient(server.url, world.lenderManager)
    await viewer.service('presence').view({ channel_id: channelId })
    const seen = recordEvents(viewer, 'presence', 'typing')
    const bound = server.app.get('limits').calls_in_flight

    // As fast as the connection lets it: waves of as many calls as may be in flight
    let calls = 0
    const started = performance.now()
    while (performance.now() - started < FLOOD_MS) {
      await Promise.all(
        Array.from({ length: bound }, () =>
          attacker.service('presence').typing({ channel_id: channelId, typing: calls++ % 2 === 0 })
        )
      )
    }
    const elapsed = performance.now() - started
    const last = (calls - 1) % 2 === 0
    // The last state reaches the viewer within one interval
    await sleep(THROTTLE_MS + QUIET_MS)

    assert.ok(calls > 20 * (elapsed / THROTTLE_MS), `the flood made only ${calls} calls`)
    assert.ok(
      seen.length <= Math.ceil(elapsed / THROTTLE_MS) + 2,
      `${seen.length} typing events for ${calls} calls in ${elapsed.toFixed(0)} ms`
    )
    assert.strictEqual(seen.at(-1)!.typing, last, 'the viewer ends with the typer’s last state')
    assert.ok(seen.every((event) => event.user_id === world.worker.id && event.channel_id === channelId))
    assert.ok(socketOf(bystander).connected && socketOf(viewer).connected, 'nobody was dropped')
    assert.ok(await bystander.service('channels').find({}))
  })

  it('folds a stop and a restart inside the interval into nothing, and announces a stop that holds', async () => {
    const typer = await socketClient(server.url, world.borrowerAdmin)
    const viewer = await socketClient(server.url, world.borrowerManager)
    await viewer.service('presence').view({ channel_id: channelId })
    const seen = recordEvents(viewer, 'presence', 'typing')
    const typing = (value: boolean) =>
      typer.service('presence').typing({ channel_id: channelId, typing: value })

    const started = nextEvent(viewer, 'presence', 'typing', (e) => e.typing)
    await typing(true)
    await started
    await typing(false)
    await typing(true)
    await sleep(THROTTLE_MS + QUIET_MS)
    assert.deepStrictEqual(
      seen.map((event) => event.typing),
      [true],
      'false then true within the interval changes nothing'
    )

    const stopped = nextEvent(viewer, 'presence', 'typing', (e) => !e.typing, THROTTLE_MS * 3)
    await typing(false)
    await stopped
    await sleep(QUIET_MS)
    assert.deepStrictEqual(
      seen.map((event) => event.typing),
      [true, false]
    )
  })
})
