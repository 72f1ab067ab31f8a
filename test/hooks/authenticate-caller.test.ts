import assert from 'assert'
import { useServer } from '../helpers/app'
import { buildUser } from '../helpers/factories'
import { http, login, socketClient } from '../helpers/clients'
import { rejectsWith } from '../helpers/assertions'

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
