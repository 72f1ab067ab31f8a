import assert from 'assert'
import type { TestServer } from '../helpers/app'
import { bookingChannel, useTwoInstancesWithChannel } from '../helpers/fixtures'
import { heardBesideControl, nextEvent, recordEvents, sleep, socketClient } from '../helpers/clients'

/** Makes `server`'s reads of chat_participants answer `ms` late, as a slow database would. */
function slowParticipantReads(server: TestServer, ms: number) {
  const real = server.app.get('postgresqlClient')
  const slow = new Proxy(real, {
    apply(target: any, thisArg: any, args: any[]) {
      const builder = target.apply(thisArg, args)
      if (args[0] === 'chat_participants') {
        const then = builder.then.bind(builder)
        builder.then = (resolve: any, reject: any) =>
          then(async (rows: any) => (await sleep(ms), rows)).then(resolve, reject)
      }
      return builder
    }
  })
  server.app.set('postgresqlClient', slow)
  return () => server.app.set('postgresqlClient', real)
}

describe('several instances through Redis', () => {
  const { a, b, scene } = useTwoInstancesWithChannel()

  it('delivers a message sent through A to a participant on B exactly once, and to no outsider', async () => {
    const sender = await socketClient(a.url, scene.world.worker)
    const receiver = await socketClient(b.url, scene.world.supervisor)
    const outsider = await socketClient(b.url, scene.world.outsider)
    const received = recordEvents(receiver, 'messages', 'created')
    const outsiderSaw = recordEvents(outsider, 'messages', 'created')

    const arrived = nextEvent(receiver, 'messages', 'created')
    const sent = await sender
      .service('messages')
      .create({ channel_id: scene.channelId, content: 'across instances' })
    assert.deepStrictEqual(await arrived, sent)
    await sleep(300)
    assert.strictEqual(received.length, 1)
    assert.deepStrictEqual(outsiderSaw, [])
  })

  it('does not let a login on B that raced a removal on A rejoin the channel', async () => {
    const { world: raced, channel: racedChannel } = await bookingChannel(a.app)
    const restore = slowParticipantReads(b, 500)
    let login
    try {
      // B reads the supervisor's channels slowly; meanwhile A removes them from the booking
      login = socketClient(b.url, raced.supervisor)
      await sleep(750)
      await a.app.service('bookings').patch(raced.booking.id, { supervisor_id: raced.outsider.id })
      login = await login
    } finally {
      restore()
    }
    const control = await socketClient(b.url, raced.worker)
    const seen = await heardBesideControl(login, control, 'after the removal', () =>
      a.app
        .service('messages')
        .create({ channel_id: racedChannel.id, content: 'after the removal' }, { user: raced.lenderAdmin })
    )
    assert.deepStrictEqual(seen, [])
  })

  it('moves connections on another instance when participants change', async () => {
    const oldSupervisor = await socketClient(b.url, scene.world.supervisor)
    const worker = await socketClient(b.url, scene.world.worker)
    const replacement = await socketClient(b.url, scene.world.outsider)
    const joined = nextEvent(replacement, 'channels', 'created', (channel) => channel.id === scene.channelId)
    const oldSaw = recordEvents(oldSupervisor, 'messages', 'created')

    // The change is written through A; the sockets live on B
    await a.app.service('bookings').patch(scene.world.booking.id, { supervisor_id: scene.world.outsider.id })
    await joined

    const control = nextEvent(worker, 'messages', 'created', (m) => m.content === 'after the change')
    const toReplacement = nextEvent(
      replacement,
      'messages',
      'created',
      (m) => m.content === 'after the change'
    )
    await a.app
      .service('messages')
      .create({ channel_id: scene.channelId, content: 'after the change' }, { user: scene.world.lenderAdmin })
    await Promise.all([control, toReplacement])
    await sleep(300)
    assert.deepStrictEqual(oldSaw, [])
  })
})
