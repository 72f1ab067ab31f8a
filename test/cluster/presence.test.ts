import assert from 'assert'
import { useTwoInstancesWithChannel } from '../helpers/fixtures'
import {
  nextEvent,
  nextPresence,
  recordEvents,
  sleep,
  socketClient,
  socketOf,
  waitUntil
} from '../helpers/clients'
import { QUIET_MS } from '../helpers/assertions'
import { testDatabaseUrl } from '../helpers/database'
import { redisSettings, testClusterNodes, testRedisPrefix, testRedisUrl } from '../helpers/redis'
import { freePort, killTree, runApp } from '../helpers/processes'
import type { Command } from '../helpers/processes'

const EXPIRY_SECONDS = 3
const presence = { expiry_seconds: EXPIRY_SECONDS, typing_seconds: 6, typing_throttle_ms: 1000 }

describe('presence and typing across instances', function () {
  this.timeout(60_000)
  const { a, b, scene } = useTwoInstancesWithChannel({ presence })

  it('sees on B a user who came online on A, and keeps two tabs on two instances online until both close', async () => {
    const watcher = await socketClient(b.url, scene.world.supervisor)
    const seen = recordEvents(watcher, 'presence', 'patched')
    const online = nextPresence(watcher, scene.world.worker.id, true)
    const tabOnA = await socketClient(a.url, scene.world.worker)
    await online
    const onB = await watcher.service('presence').find({ query: { user_id: scene.world.worker.id } })
    assert.strictEqual(onB.data[0].online, true)

    const tabOnB = await socketClient(b.url, scene.world.worker)
    socketOf(tabOnA).disconnect()
    await sleep(QUIET_MS)
    assert.strictEqual(
      (await watcher.service('presence').find({ query: { user_id: scene.world.worker.id } })).data[0].online,
      true
    )

    const offline = nextPresence(watcher, scene.world.worker.id, false)
    socketOf(tabOnB).disconnect()
    await offline
    assert.deepStrictEqual(
      seen.filter((s) => s.user_id === scene.world.worker.id).map((s) => s.online),
      [true, false],
      'one transition each way, however many tabs on however many instances'
    )
  })

  it('sends typing through A to a viewer on B, not to a participant who is not viewing nor to an outsider', async () => {
    const typer = await socketClient(a.url, scene.world.worker)
    const viewer = await socketClient(b.url, scene.world.supervisor)
    const notViewing = await socketClient(b.url, scene.world.lenderManager)
    const outsider = await socketClient(b.url, scene.world.outsider)
    await viewer.service('presence').view({ channel_id: scene.channelId })
    const notViewingSaw = recordEvents(notViewing, 'presence', 'typing')
    const outsiderSaw = recordEvents(outsider, 'presence', 'typing')

    const typing = nextEvent(viewer, 'presence', 'typing')
    await typer.service('presence').typing({ channel_id: scene.channelId, typing: true })
    assert.deepStrictEqual(await typing, {
      channel_id: scene.channelId,
      user_id: scene.world.worker.id,
      typing: true
    })
    const stopped = nextEvent(viewer, 'presence', 'typing', (e) => !e.typing)
    await typer.service('presence').typing({ channel_id: scene.channelId, typing: false })
    await stopped
    await sleep(QUIET_MS)
    assert.deepStrictEqual(notViewingSaw, [])
    assert.deepStrictEqual(outsiderSaw, [])
  })

  it('puts back the users of an instance that lost Redis long enough to be taken for dead', async () => {
    const watcher = await socketClient(b.url, scene.world.supervisor)
    const online = nextPresence(watcher, scene.world.lenderAdmin.id, true)
    const tab = await socketClient(a.url, scene.world.lenderAdmin)
    await online
    const isOnline = async () =>
      (await watcher.service('presence').find({ query: { user_id: scene.world.lenderAdmin.id } })).data[0]
        .online

    const back = nextPresence(watcher, scene.world.lenderAdmin.id, true, 5000)
    // As if A's heartbeats had not reached Redis for the whole expiry, and B reaped it
    // (on a cluster, every presence key carries the {presence} hash tag)
    const presenceRoot = `${testRedisPrefix}${testClusterNodes.length ? '{presence}' : 'presence'}`
    await a.app.get('redisClient')!.del(`${presenceRoot}:alive:${a.app.get('instanceId')}`)
    // The reap answers who it took offline (a read after it would race A's next heartbeat,
    // due within a second, which may already have put the user back)
    assert.ok(
      (await b.app.service('presence').store.reapDeadInstances()).includes(scene.world.lenderAdmin.id)
    )

    // A's next heartbeat finds its life had lapsed and puts its connections back
    await back
    assert.strictEqual(await isOnline(), true)
    const offline = nextPresence(watcher, scene.world.lenderAdmin.id, false)
    socketOf(tab).disconnect()
    await offline
    assert.strictEqual(await isOnline(), false, 'the restored count was exact')
  })

  describe('an instance that is killed', () => {
    let victim: Command | undefined

    after(() => killTree(victim))

    it(`makes its users offline within the presence expiry (${EXPIRY_SECONDS} s here) after a SIGKILL`, async () => {
      const started = runApp(await freePort(), {
        LOG_LEVEL: 'silent',
        DATABASE_URL: testDatabaseUrl,
        ...(testClusterNodes.length
          ? { REDIS_CLUSTER_NODES: testClusterNodes.join(',') }
          : { REDIS_URL: testRedisUrl }),
        REDIS_KEY_PREFIX: testRedisPrefix,
        REDIS_ADAPTER: redisSettings().adapter,
        PRESENCE_EXPIRY_SECONDS: String(EXPIRY_SECONDS)
      })
      victim = started.command
      const { url } = started
      await waitUntil(
        async () => (await fetch(`${url}/ready`).catch(() => undefined))?.status === 200,
        'the victim is ready',
        30_000
      )

      const watcher = await socketClient(a.url, scene.world.supervisor)
      const online = nextPresence(watcher, scene.world.borrowerAdmin.id, true)
      await socketClient(url, scene.world.borrowerAdmin)
      await online

      const offline = nextPresence(
        watcher,
        scene.world.borrowerAdmin.id,
        false,
        // the expiry, then at most one heartbeat of a surviving instance
        (EXPIRY_SECONDS + EXPIRY_SECONDS / 3 + 2) * 1000
      )
      const killedAt = Date.now()
      process.kill(-victim.child.pid!, 'SIGKILL')
      await offline
      const status = await watcher
        .service('presence')
        .find({ query: { user_id: scene.world.borrowerAdmin.id } })
      assert.strictEqual(status.data[0].online, false)
      console.log(
        `      offline announced ${Date.now() - killedAt} ms after SIGKILL (expiry ${EXPIRY_SECONDS} s)`
      )
    })
  })
})
