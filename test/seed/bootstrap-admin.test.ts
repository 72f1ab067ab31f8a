import assert from 'assert'
import { ensureBootstrapAdmin } from '../../src/seed/bootstrap-admin'
import { startApp } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import { http as request, login } from '../helpers/clients'
import { uniqueEmail } from '../helpers/factories'
import type { AuthenticationResult } from '../../src/client'

describe('operations', function () {
  this.timeout(90_000)

  describe('bootstrap admin', () => {
    const servers: TestServer[] = []
    after(async () => {
      for (const server of servers.splice(0)) await server.close()
    })

    const adminsWithEmail = async (server: TestServer, email: string) =>
      server.app.service('users').find({ query: { email: email.toLowerCase() } })

    it('creates exactly one admin from the configuration, even when asked twice at once, who can log in', async () => {
      const bootstrapAdmin = { email: uniqueEmail('Boot-Admin'), password: 'bootstrap password 1' }
      const server = await startApp({ bootstrapAdmin })
      servers.push(server)

      await Promise.all([ensureBootstrapAdmin(server.app), ensureBootstrapAdmin(server.app)])
      const found = await adminsWithEmail(server, bootstrapAdmin.email)
      assert.strictEqual(found.total, 1)
      assert.strictEqual(found.data[0].role, 'admin')

      const auth = await request<AuthenticationResult & { user: Record<string, unknown> }>(
        server.url,
        'POST',
        '/authentication',
        {
          body: { strategy: 'local', email: bootstrapAdmin.email, password: bootstrapAdmin.password }
        }
      )
      assert.strictEqual(auth.status, 201, auth.text)
      assert.strictEqual(auth.body.user.role, 'admin')
      assert.strictEqual(auth.body.user.password, undefined)
      // The admin can do admin things over HTTP
      const created = await request(server.url, 'POST', '/companies', {
        token: auth.body.accessToken,
        body: { name: 'Created by the bootstrap admin' }
      })
      assert.strictEqual(created.status, 201, created.text)
    })

    it('does not duplicate the admin when another instance starts with the same settings', async () => {
      const bootstrapAdmin = { email: uniqueEmail('boot-admin'), password: 'bootstrap password 2' }
      const first = await startApp({ bootstrapAdmin })
      servers.push(first)
      await ensureBootstrapAdmin(first.app)
      const [original] = (await adminsWithEmail(first, bootstrapAdmin.email)).data
      assert.ok(original)

      const second = await startApp({ bootstrapAdmin })
      servers.push(second)
      await Promise.all([ensureBootstrapAdmin(second.app), ensureBootstrapAdmin(first.app)])
      const found = await adminsWithEmail(second, bootstrapAdmin.email)
      assert.strictEqual(found.total, 1)
      assert.strictEqual(found.data[0].id, original.id)
      const token = await login(second.url, bootstrapAdmin)
      assert.ok(token)
    })

    it('creates nobody when no bootstrap admin is configured', async () => {
      const server = await startApp()
      servers.push(server)
      const before = await server.app.service('users').find({ query: { $limit: 0 } })
      await ensureBootstrapAdmin(server.app)
      const after = await server.app.service('users').find({ query: { $limit: 0 } })
      assert.strictEqual(after.total, before.total)
    })
  })
})
