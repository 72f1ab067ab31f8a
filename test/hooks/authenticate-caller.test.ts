import assert from 'assert'
import { useServer } from '../helpers/app'
import { buildUser } from '../helpers/factories'
import type { TestUser } from '../helpers/factories'
import { http, login, sleep, socketClient } from '../helpers/clients'
import { rejectsWith } from '../helpers/assertions'
import { authenticateCaller } from '../../src/hooks/authenticate-caller'
import type { HookContext } from '../../src/declarations'
import type { ClientApplication } from '../../src/client'

describe('a socket’s authentication, remembered per connection', function () {
  this.timeout(30_000)
  const server = useServer()

  /** Counts the authentication service's runs from here on (the stock path), without changing them. */
  function countAuthentications() {
    const service = server.app.service('authentication')
    const original = service.authenticate
    const counted = { runs: 0, restore: () => void (service.authenticate = original) }
    service.authenticate = function (this: typeof service, ...args: Parameters<typeof original>) {
      counted.runs++
      return original.apply(this, args)
    } as typeof original
    return counted
  }

  it('runs the whole authentication once, then answers the same connection’s calls from it', async () => {
    const user = await buildUser(server.app)
    const socket = await socketClient(server.url, user)
    const token = await login(server.url, user)
    const counted = countAuthentications()
    try {
      for (let i = 0; i < 5; i++) {
        const me = await socket.service('users').get(user.id)
        assert.strictEqual(me.id, user.id)
      }
      assert.strictEqual(counted.runs, 1, 'only the first call went the whole way')
      for (let i = 0; i < 2; i++)
        assert.strictEqual((await http(server.url, 'GET', `/users/${user.id}`, { token })).status, 200)
      assert.strictEqual(counted.runs, 3, 'every REST call goes the whole way')
    } finally {
      counted.restore()
    }
  })

  it('goes the whole way again once the user changes: a disabled account is refused on its open socket', async () => {
    const user = await buildUser(server.app)
    const socket = await socketClient(server.url, user)
    await socket.service('users').get(user.id)
    await socket.service('users').get(user.id)
    // Disabled behind the service's back, and announced as a change that ends no
    // connection: only the change event says that the remembered verdict is stale
    await server.app
      .get('postgresqlClient')('users')
      .where({ id: user.id })
      .update({ disabled_at: new Date() })
    await server.app
      .get('events')
      .emit('identity.user.changed', { user_id: user.id, is_admin: false, disabled: false })
    await rejectsWith(401, () => socket.service('users').get(user.id), 'the next call on the open socket')
  })
})

describe('a socket’s remembered authentication, when the socket changes hands or the token ends', function () {
  this.timeout(30_000)
  const server = useServer()

  /** What the caller may see of `user`: their own record shows its email, someone else's does not. */
  const seesOwnRecord = async (socket: ClientApplication, user: TestUser) =>
    (await socket.service('users').get(user.id)).email !== undefined

  it('answers as the person who logged in after a logout on the same socket, and refuses calls in between', async () => {
    const [first, second] = [await buildUser(server.app), await buildUser(server.app)]
    const socket = await socketClient(server.url, first)
    assert.ok(await seesOwnRecord(socket, first))
    assert.ok(await seesOwnRecord(socket, first), 'answered from the remembered verdict')
    await socket.logout()
    await rejectsWith(401, () => socket.service('users').get(first.id), 'a call after the logout')
    await socket.authenticate({ strategy: 'local', email: second.email, password: second.password })
    assert.ok(await seesOwnRecord(socket, second))
    assert.ok(!(await seesOwnRecord(socket, first)), 'the first person’s record is someone else’s now')
  })

  it('answers as the owner of the token a socket authenticated with last, without a logout', async () => {
    const [first, second] = [await buildUser(server.app), await buildUser(server.app)]
    const socket = await socketClient(server.url, first)
    assert.ok(await seesOwnRecord(socket, first))
    await socket.authenticate({ strategy: 'jwt', accessToken: await login(server.url, second) })
    assert.ok(!(await seesOwnRecord(socket, first)))
    assert.ok(await seesOwnRecord(socket, second))
  })

  /** A call's context as the socket transport makes it, run through the hook; the params it went on with. */
  async function callWith(params: Record<string, unknown>) {
    const context = { app: server.app, params } as unknown as HookContext
    await authenticateCaller(context, async () => undefined)
    return context.params
  }

  it('leaves a call that its caller says is authenticated as it is, as the stock hook does', async () => {
    const [caller, other] = [await buildUser(server.app), await buildUser(server.app)]
    const connection = {}
    const authentication = { strategy: 'jwt', accessToken: await login(server.url, caller) }
    const socketCall = () => ({ provider: 'socketio', connection, authentication })
    assert.strictEqual((await callWith(socketCall())).user.id, caller.id)
    assert.strictEqual((await callWith(socketCall())).user.id, caller.id, 'remembered')
    // An internal call made on the connection's behalf, for another person, already authenticated
    const internal = await callWith({ ...socketCall(), authenticated: true, user: other })
    assert.strictEqual(internal.user.id, other.id)
  })

  it('does not answer from a remembered verdict once its token has expired', async () => {
    const user = await buildUser(server.app)
    // Whole seconds: at least one of them before it expires, however late in a second it is made
    const accessToken = await server.app
      .service('authentication')
      .createAccessToken(
        { token_version: user.token_version ?? 0 },
        { subject: String(user.id), expiresIn: 2 }
      )
    const { exp } = await server.app.service('authentication').verifyAccessToken(accessToken)
    // A connection that no expiry timer ends: only the remembered verdict stands between
    const call = { provider: 'socketio', connection: {}, authentication: { strategy: 'jwt', accessToken } }
    assert.strictEqual((await callWith({ ...call })).user.id, user.id)
    assert.strictEqual((await callWith({ ...call })).user.id, user.id, 'remembered')
    await sleep(exp * 1000 - Date.now() + 50)
    await rejectsWith(401, () => callWith({ ...call }), 'the first call after its expiry')
  })
})

describe('the user a token’s strategy remembers', function () {
  this.timeout(30_000)
  const server = useServer()

  it('is not a read that a change to the user overtook', async () => {
    const user = await buildUser(server.app)
    const strategy = server.app.service('authentication').getStrategy('jwt') as unknown as {
      getEntity(id: string, params: object): Promise<{ id: number }>
      rememberedEntity(id: string): object | undefined
    }
    // The read is under way when the change is heard: what it brings back may be the user
    // as they were, and must not stand for them afterwards
    const reading = strategy.getEntity(String(user.id), {})
    await server.app.get('events').emit('identity.user.changed', {
      user_id: user.id,
      is_admin: false,
      disabled: false
    })
    assert.strictEqual((await reading).id, user.id)
    assert.strictEqual(
      strategy.rememberedEntity(String(user.id)),
      undefined,
      'the overtaken read is not kept'
    )
    await strategy.getEntity(String(user.id), {})
    assert.ok(strategy.rememberedEntity(String(user.id)), 'a read after the change is kept')
  })
})
