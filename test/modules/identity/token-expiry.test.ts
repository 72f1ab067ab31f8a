import assert from 'assert'
import config from 'config'
import { useServer } from '../../helpers/app'
import { openBookingChannel } from '../../helpers/factories'
import { bookingWorld } from '../../helpers/fixtures'
import type { BookingWorld } from '../../helpers/factories'
import { heardBesideControl, http, nextEvent, sleep, socketClient, socketOf } from '../../helpers/clients'

describe('token expiry on a live connection', () => {
  const server = useServer(() => {
    const authentication = config.util.toObject(config.get('authentication')) as any
    return {
      authentication: { ...authentication, jwtOptions: { ...authentication.jwtOptions, expiresIn: '2s' } }
    }
  })
  let world: BookingWorld

  before(async () => {
    world = await bookingWorld(server.app)
  })

  it('stops delivering a channel’s events once the token has expired', async () => {
    const channel = await openBookingChannel(server.app, world)
    const worker = await socketClient(server.url, world.worker)
    const before = nextEvent(worker, 'messages', 'created')
    await server.app
      .service('messages')
      .create({ channel_id: channel.id, content: 'before' }, { user: world.supervisor })
    assert.strictEqual((await before).content, 'before')

    const ended = new Promise((resolve) => socketOf(worker).once('disconnect', resolve))
    await sleep(2500)
    // A connection that logged in after the expiry is the control: it does get the message
    const supervisor = await socketClient(server.url, world.supervisor)
    const seen = await heardBesideControl(worker, supervisor, 'after', () =>
      server.app
        .service('messages')
        .create({ channel_id: channel.id, content: 'after' }, { user: world.lenderAdmin })
    )
    assert.deepStrictEqual(seen, [])
    assert.strictEqual(socketOf(worker).connected, false)
    // As a lost connection, not "io server disconnect": a client comes back and learns on signing in again that its token expired
    assert.strictEqual(await ended, 'transport close')
  })

  it('refuses a token on the first call after it expires, though it was accepted just before', async () => {
    const channel = await openBookingChannel(server.app, world)
    // Whole seconds: at least two of them before it expires, however late in a second it is made
    const token = await server.app
      .service('authentication')
      .createAccessToken(
        { token_version: world.worker.token_version ?? 0 },
        { subject: String(world.worker.id), expiresIn: 3 }
      )
    const { exp } = await server.app.service('authentication').verifyAccessToken(token)
    const path = `/messages?channel_id=${channel.id}`
    assert.strictEqual((await http(server.url, 'GET', path, { token })).status, 200)
    assert.strictEqual(
      (await http(server.url, 'GET', path, { token })).status,
      200,
      'a remembered token is accepted'
    )
    await sleep(exp * 1000 - Date.now() + 100)
    assert.strictEqual((await http(server.url, 'GET', path, { token })).status, 401)
  })
})
