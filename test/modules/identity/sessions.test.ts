import assert from 'assert'
import bcrypt from 'bcrypt'
import { useServer } from '../../helpers/app'
import { buildAdmin, buildUser } from '../../helpers/factories'
import { bookingChannel } from '../../helpers/fixtures'
import { http, login, socketClient, socketOf, waitUntil } from '../../helpers/clients'
import { rejectsWith } from '../../helpers/assertions'
import { redisSettings } from '../../helpers/redis'
import type { ErrorBody } from '../../helpers/clients'
import type { User } from '../../../src/client'

const NEW_PASSWORD = 'a brand new passphrase'

describe('sessions: password changes, role changes and disabled accounts', function () {
  this.timeout(30_000)
  // Two instances on one Redis, as behind a load balancer
  const a = useServer({ redis: redisSettings() })
  const b = useServer({ redis: redisSettings() })

  describe('changing one’s own password', () => {
    it('needs the current password: a stolen token alone cannot take the account over', async () => {
      const user = await buildUser(a.app)
      const token = await login(a.url, user)

      const missing = await http<ErrorBody>(a.url, 'PATCH', `/users/${user.id}`, {
        token,
        body: { password: NEW_PASSWORD }
      })
      assert.strictEqual(missing.status, 400, missing.text)
      assert.match(missing.body.message, /current_password/)
      const wrong = await http<ErrorBody>(a.url, 'PATCH', `/users/${user.id}`, {
        token,
        body: { password: NEW_PASSWORD, current_password: 'a guess' }
      })
      assert.strictEqual(wrong.status, 401, wrong.text)
      assert.match(wrong.body.message, /current password is wrong/)
      assert.ok(await login(a.url, user), 'the password did not change')

      const changed = await http<Record<string, unknown>>(a.url, 'PATCH', `/users/${user.id}`, {
        token,
        body: { password: NEW_PASSWORD, current_password: user.password }
      })
      assert.strictEqual(changed.status, 200, changed.text)
      assert.strictEqual(changed.body.password, undefined)
      assert.strictEqual(changed.body.current_password, undefined)
      const row = await a.app.get('postgresqlClient')('users').where({ id: user.id }).first()
      assert.ok(await bcrypt.compare(NEW_PASSWORD, row.password), 'the new password is stored as a hash')
      assert.ok(!JSON.stringify(row).includes(user.password), 'the current password is stored nowhere')
      assert.strictEqual(
        (
          await http(a.url, 'POST', '/authentication', {
            body: { strategy: 'local', email: user.email, password: user.password }
          })
        ).status,
        401
      )
      assert.ok(await login(a.url, { email: user.email, password: NEW_PASSWORD }))
    })

    it('asks an admin for their own current password too, but not for someone else’s', async () => {
      const admin = await buildAdmin(a.app)
      const user = await buildUser(a.app)
      const token = await login(a.url, admin)
      assert.strictEqual(
        (await http(a.url, 'PATCH', `/users/${admin.id}`, { token, body: { password: NEW_PASSWORD } }))
          .status,
        400
      )
      const reset = await http(a.url, 'PATCH', `/users/${user.id}`, {
        token,
        body: { password: NEW_PASSWORD }
      })
      assert.strictEqual(reset.status, 200, reset.text)
      assert.ok(await login(a.url, { email: user.email, password: NEW_PASSWORD }))
    })

    it('refuses current_password on its own', async () => {
      const user = await buildUser(a.app)
      const token = await login(a.url, user)
      const response = await http(a.url, 'PATCH', `/users/${user.id}`, {
        token,
        body: { current_password: user.password }
      })
      assert.strictEqual(response.status, 400, response.text)
    })
  })

  describe('tokens issued before a change', () => {
    it('are refused at once on the other instance after a password change, over REST, and end open sockets', async () => {
      const user = await buildUser(a.app)
      const token = await login(b.url, user)
      const socket = await socketClient(b.url, user)
      assert.strictEqual(
        (await http(b.url, 'GET', '/channels', { token })).status,
        200,
        'B has the user cached'
      )
      await socket.service('channels').find({})
      const disconnected = new Promise((resolve) => socketOf(socket).once('disconnect', resolve))

      const fresh = await login(a.url, user)
      const changed = await http(a.url, 'PATCH', `/users/${user.id}`, {
        token: fresh,
        body: { password: NEW_PASSWORD, current_password: user.password }
      })
      assert.strictEqual(changed.status, 200, changed.text)

      await waitUntil(
        async () => (await http(b.url, 'GET', '/channels', { token })).status === 401,
        'B refuses the old token',
        1000
      )
      const refused = await http<ErrorBody>(b.url, 'GET', '/channels', { token })
      assert.match(refused.body.message, /session has ended/)
      assert.strictEqual(
        (await http(a.url, 'GET', '/channels', { token: fresh })).status,
        401,
        'the token that made the change ended too'
      )
      // A stolen token's open socket stops hearing live messages at once, not at its next call
      assert.strictEqual(
        await disconnected,
        'io server disconnect',
        'the socket on B was disconnected by the server'
      )
      const another = await socketClient(b.url)
      await rejectsWith(
        401,
        () => another.authenticate({ strategy: 'jwt', accessToken: token }),
        'a new socket with the old token'
      )

      const renewed = await login(b.url, { email: user.email, password: NEW_PASSWORD })
      assert.strictEqual((await http(b.url, 'GET', '/channels', { token: renewed })).status, 200)
    })

    it('stand when a profile edit sends the same role back', async () => {
      const admin = await buildAdmin(a.app)
      const user = await buildUser(a.app)
      const token = await login(b.url, user)
      const adminToken = await login(a.url, admin)
      const edit = await http(a.url, 'PATCH', `/users/${user.id}`, {
        token: adminToken,
        body: { name: 'Renamed', role: 'user' }
      })
      assert.strictEqual(edit.status, 200, edit.text)
      await waitUntil(
        async () => (await http<User>(b.url, 'GET', `/users/${user.id}`, { token })).body?.name === 'Renamed',
        'B sees the edit',
        1000
      )
      assert.strictEqual((await http(b.url, 'GET', '/channels', { token })).status, 200)
    })
  })

  describe('disabling an account', () => {
    it('is for admins only', async () => {
      const user = await buildUser(a.app)
      const token = await login(a.url, user)
      const response = await http(a.url, 'PATCH', `/users/${user.id}`, { token, body: { disabled: true } })
      assert.strictEqual(response.status, 403, response.text)
    })

    it('ends the person’s tokens and connections on every instance, refuses their logins, and keeps their history', async () => {
      const { world, channel } = await bookingChannel(a.app)
      const { worker, supervisor } = world
      const token = await login(b.url, worker)
      const socket = await socketClient(b.url, worker)
      const sent = await socket
        .service('messages')
        .create({ channel_id: channel.id, content: 'before I was disabled' })
      const disconnected = new Promise((resolve) => socketOf(socket).once('disconnect', resolve))

      const admin = await buildAdmin(a.app)
      const adminToken = await login(a.url, admin)
      const disabled = await http<User & Record<string, unknown>>(a.url, 'PATCH', `/users/${worker.id}`, {
        token: adminToken,
        body: { disabled: true }
      })
      assert.strictEqual(disabled.status, 200, disabled.text)
      assert.strictEqual(typeof disabled.body.disabled_at, 'string')
      assert.strictEqual(disabled.body.disabled, undefined)

      assert.strictEqual(
        await disconnected,
        'io server disconnect',
        'the socket on B was disconnected by the server'
      )
      await waitUntil(
        async () => (await http(b.url, 'GET', '/channels', { token })).status === 401,
        'B refuses the token',
        1000
      )
      for (const url of [a.url, b.url]) {
        const refused = await http<ErrorBody>(url, 'POST', '/authentication', {
          body: { strategy: 'local', email: worker.email, password: worker.password }
        })
        assert.strictEqual(refused.status, 401, refused.text)
        assert.match(refused.body.message, /disabled/)
      }
      // A wrong password learns nothing about the account's state
      const guess = await http<ErrorBody>(a.url, 'POST', '/authentication', {
        body: { strategy: 'local', email: worker.email, password: 'a guess!' }
      })
      assert.doesNotMatch(guess.body.message, /disabled/)

      const history = await (
        await socketClient(a.url, supervisor)
      )
        .service('messages')
        .find({ query: { channel_id: channel.id } })
      assert.deepStrictEqual(
        history.data.map((message) => message.id),
        [sent.id]
      )
      assert.strictEqual(history.data[0].sender_id, worker.id)
      assert.strictEqual(history.data[0].content, 'before I was disabled')

      const enabled = await http<User>(a.url, 'PATCH', `/users/${worker.id}`, {
        token: adminToken,
        body: { disabled: false }
      })
      assert.strictEqual(enabled.body.disabled_at, null)
      assert.ok(await login(b.url, worker), 'an enabled account logs in again')
    })
  })
})
