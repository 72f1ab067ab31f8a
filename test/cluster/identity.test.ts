import assert from 'assert'
import { useServer } from '../helpers/app'
import { buildAdmin } from '../helpers/factories'
import { http, login, waitUntil } from '../helpers/clients'
import { redisSettings } from '../helpers/redis'

describe('identity across instances', () => {
  const a = useServer({ redis: redisSettings() })
  const b = useServer({ redis: redisSettings() })


  it('takes an admin demoted through A at their word on B at once, not after a cache expires', async () => {
    const admin = await buildAdmin(a.app)
    const token = await login(b.url, admin)
    assert.strictEqual((await http(b.url, 'GET', '/companies', { token })).status, 200, 'B has the admin cached')

    await a.app.service('users').patch(admin.id, { role: 'user' })
    // The role change ends the admin's token; a new one carries the new role
    await waitUntil(async () => (await http(b.url, 'GET', '/companies', { token })).status === 401, 'B refuses the former admin’s token', 2000)
    assert.strictEqual((await http(b.url, 'POST', '/companies', { token, body: { name: 'Sneaky Ltd' } })).status, 401)
    const fresh = await login(b.url, admin)
    assert.strictEqual((await http(b.url, 'GET', '/companies', { token: fresh })).status, 403)
    assert.strictEqual((await http(b.url, 'POST', '/companies', { token: fresh, body: { name: 'Sneaky Ltd' } })).status, 403)
  })
})
