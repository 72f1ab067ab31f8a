import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import type { BookingWorld } from '../../../../helpers/factories'
import {
  nextEvent,
  nextPresence,
  recordEvents,
  restClient,
  sleep,
  socketClient,
  socketOf
} from '../../../../helpers/clients'
import { QUIET_MS, rejectsWithCode } from '../../../../helpers/assertions'
import { bookingChannel, bookingChannelWithClients } from '../../../../helpers/fixtures'

describe('presence and typing (one instance)', () => {
  const server = useServer({ presence: { expiry_seconds: 30, typing_seconds: 1, typing_throttle_ms: 500 } })
  let world: BookingWorld
  let channelId: number

  before(async () => {
    ;({ world, channelId } = await bookingChannelWithClients(server))
  })

  it('announces online and offline once per user, not per tab, to people who share a channel', async () => {
    const supervisor = await socketClient(server.url, world.supervisor)
    const outsider = await socketClient(server.url, world.outsider)
    const seen = recordEvents(supervisor, 'presence', 'patched')
    const outsiderSeen = recordEvents(outsider, 'presence', 'patched')

    const online = nextPresence(supervisor, world.worker.id, true)
    const tab1 = await socketClient(server.url, world.worker)
    await online
    const tab2 = await socketClient(server.url, world.worker)
    socketOf(tab1).disconnect()
    await sleep(QUIET_MS)
    const workerEvents = () => seen.filter((s) => s.user_id === world.worker.id)
    assert.deepStrictEqual(
      workerEvents().map((s) => s.online),
      [true],
      'a second tab or closing one of two changes nothing'
    )

    const statuses = await supervisor
      .service('presence')
      .find({ query: { user_id: { $in: [world.worker.id] } } })
    assert.strictEqual(statuses.data[0].online, true)

    const offline = nextPresence(supervisor, world.worker.id, false)
    socketOf(tab2).disconnect()
    const status = await offline
    assert.ok(Date.parse(status.last_seen_at!) > 0)
    const after = await supervisor.service('presence').find({ query: { user_id: world.worker.id } })
    assert.deepStrictEqual(after.data, [
      { user_id: world.worker.id, online: false, last_seen_at: status.last_seen_at }
    ])
    assert.deepStrictEqual(
      outsiderSeen.filter((s) => s.user_id === world.worker.id),
      []
    )
  })

  it('answers presence.find only for people who share a channel with the caller', async () => {
    const outsider = await socketClient(server.url, world.outsider)
    await socketClient(server.url, world.worker)
    const statuses = await outsider
      .service('presence')
      .find({ query: { user_id: { $in: [world.worker.id, world.outsider.id] } } })
    assert.deepStrictEqual(
      statuses.data.map((s) => s.user_id),
      [world.outsider.id]
    )
  })

  it('sends typing to the other participants viewing the channel only, and ends it after the expiry', async () => {
    const typer = await socketClient(server.url, world.worker)
    const viewer = await socketClient(server.url, world.supervisor)
    const notViewing = await socketClient(server.url, world.lenderAdmin)
    const outsider = await socketClient(server.url, world.outsider)
    await viewer.service('presence').view({ channel_id: channelId })
    await typer.service('presence').view({ channel_id: channelId })
    const typerSaw = recordEvents(typer, 'presence', 'typing')
    const notViewingSaw = recordEvents(notViewing, 'presence', 'typing')
    const outsiderSaw = recordEvents(outsider, 'presence', 'typing')
    await rejectsWithCode(outsider.service('presence').view({ channel_id: channelId }), 403)
    await rejectsWithCode(outsider.service('presence').typing({ channel_id: channelId, typing: true }), 403)

    const started = nextEvent(viewer, 'presence', 'typing')
    const viewerSaw = recordEvents(viewer, 'presence', 'typing')
    for (let i = 0; i < 10; i++)
      await typer.service('presence').typing({ channel_id: channelId, typing: true })
    assert.deepStrictEqual(await started, { channel_id: channelId, user_id: world.worker.id, typing: true })
    const ended = nextEvent(viewer, 'presence', 'typing', (e) => e.typing === false, 3000)
    await ended
    assert.deepStrictEqual(
      viewerSaw.map((e) => e.typing),
      [true, false],
      'ten keystrokes within the throttle interval are one event; the state expires on its own'
    )
    assert.deepStrictEqual(typerSaw, [])
    assert.deepStrictEqual(notViewingSaw, [])
    assert.deepStrictEqual(outsiderSaw, [])
  })

  it('ends typing when the typer disconnects, and stops sending typing to a connection that left', async () => {
    const typer = await socketClient(server.url, world.worker)
    const viewer = await socketClient(server.url, world.supervisor)
    const leaver = await socketClient(server.url, world.borrowerAdmin)
    await viewer.service('presence').view({ channel_id: channelId })
    await leaver.service('presence').view({ channel_id: channelId })
    await leaver.service('presence').leave({ channel_id: channelId })
    const leaverSaw = recordEvents(leaver, 'presence', 'typing')

    const started = nextEvent(viewer, 'presence', 'typing', (e) => e.typing)
    await typer.service('presence').typing({ channel_id: channelId, typing: true })
    await started
    const ended = nextEvent(viewer, 'presence', 'typing', (e) => !e.typing, 800)
    socketOf(typer).disconnect()
    assert.deepStrictEqual(await ended, { channel_id: channelId, user_id: world.worker.id, typing: false })
    assert.deepStrictEqual(leaverSaw, [])
  })
})

describe('typing ends when the typer sends', () => {
  // Typing states last the default 6 s, so an end within a second is the send's doing
  const server = useServer()

  for (const transport of ['Socket.io', 'REST'] as const) {
    it(`tells the viewers typing: false when the typer sends a message over ${transport}`, async () => {
      // A booking of its own: a person's typing announcements are throttled per channel
      const { world, channelId } = await bookingChannel(server.app)
      const typer = await socketClient(server.url, world.worker)
      const viewer = await socketClient(server.url, world.supervisor)
      await viewer.service('presence').view({ channel_id: channelId })
      const started = nextEvent(viewer, 'presence', 'typing', (e) => e.typing)
      await typer.service('presence').typing({ channel_id: channelId, typing: true })
      await started

      const ended = nextEvent(viewer, 'presence', 'typing', (e) => !e.typing, 1000)
      const sender = transport === 'REST' ? await restClient(server.url, world.worker) : typer
      await sender.service('messages').create({ channel_id: channelId, content: `sent over ${transport}` })
      assert.deepStrictEqual(await ended, { channel_id: channelId, user_id: world.worker.id, typing: false })

      // The state is gone, so the next keystroke is announced at once
      const again = nextEvent(viewer, 'presence', 'typing', (e) => e.typing, 1000)
      await typer.service('presence').typing({ channel_id: channelId, typing: true })
      await again
      await typer.service('presence').typing({ channel_id: channelId, typing: false })
    })
  }
})
