import assert from 'assert'
import { buildUser } from '../../../helpers/factories'
import type { TestUser } from '../../../helpers/factories'
import { http, login, socketClient } from '../../../helpers/clients'
import type { ClientApplication, User } from '../../../../src/client'
import { rejectsWith } from '../../../helpers/assertions'
import { expectStatus, useAuthorizationScene } from './scene'

describe('authorization', () => {
  const { server, scene } = useAuthorizationScene()

  describe('a plain user and the admin-only services', () => {
    const attempts = (user: TestUser, other: TestUser) =>
      [
        {
          label: 'users.create',
          socket: (c: ClientApplication) =>
            c
              .service('users')
              .create({ email: `x-${Date.now()}@example.test`, name: 'X', password: 'password123' } as any),
          http: [
            'POST',
            '/users',
            { email: `y-${Date.now()}@example.test`, name: 'Y', password: 'password123' }
          ]
        },
        {
          label: 'users.patch (another user)',
          socket: (c: ClientApplication) => c.service('users').patch(other.id, { name: 'Renamed' }),
          http: ['PATCH', `/users/${other.id}`, { name: 'Renamed' }]
        },
        {
          label: 'users.patch (own role)',
          socket: (c: ClientApplication) => c.service('users').patch(user.id, { role: 'admin' }),
          http: ['PATCH', `/users/${user.id}`, { role: 'admin' }]
        },
        {
          label: 'companies.create',
          socket: (c: ClientApplication) => c.service('companies').create({ name: 'Mine' } as any),
          http: ['POST', '/companies', { name: 'Mine' }]
        },
        {
          label: 'companies.patch',
          socket: (c: ClientApplication) =>
            c.service('companies').patch(scene.world.borrowerCompanyId, { name: 'Mine' } as any),
          http: ['PATCH', `/companies/${scene.world.borrowerCompanyId}`, { name: 'Mine' }]
        },
        {
          label: 'company-members.create',
          socket: (c: ClientApplication) =>
            c
              .service('company-members')
              .create({ company_id: scene.world.borrowerCompanyId, user_id: user.id, role: 'admin' } as any),
          http: [
            'POST',
            '/company-members',
            { company_id: scene.world.borrowerCompanyId, user_id: user.id, role: 'admin' }
          ]
        },
        {
          label: 'company-members.find',
          socket: (c: ClientApplication) => c.service('company-members').find({}),
          http: ['GET', '/company-members', undefined]
        },
        {
          label: 'bookings.create',
          socket: (c: ClientApplication) =>
            c.service('bookings').create({
              borrower_company_id: scene.world.borrowerCompanyId,
              lender_company_id: scene.world.lenderCompanyId,
              worker_id: user.id,
              supervisor_id: user.id
            } as any),
          http: [
            'POST',
            '/bookings',
            {
              borrower_company_id: scene.world.borrowerCompanyId,
              lender_company_id: scene.world.lenderCompanyId,
              worker_id: user.id,
              supervisor_id: user.id
            }
          ]
        },
        {
          label: 'bookings.patch',
          socket: (c: ClientApplication) =>
            c.service('bookings').patch(scene.world.booking.id, { worker_id: user.id } as any),
          http: ['PATCH', `/bookings/${scene.world.booking.id}`, { worker_id: user.id }]
        },
        {
          label: 'disputes.create',
          socket: (c: ClientApplication) =>
            c.service('disputes').create({ booking_id: scene.world.booking.id, party_ids: [user.id] } as any),
          http: ['POST', '/disputes', { booking_id: scene.world.booking.id, party_ids: [user.id] }]
        }
      ] as const

    it('is refused (403) over Socket.io and HTTP, and nothing changes', async () => {
      const user = scene.world.borrowerManager
      const other = scene.world.supervisor
      const db = server.app.get('postgresqlClient')
      const counts = async () => {
        const tables = ['users', 'companies', 'company_members', 'bookings', 'disputes']
        const result: Record<string, number> = {}
        for (const table of tables) result[table] = Number((await db(table).count({ n: '*' }))[0].n)
        return result
      }
      const before = await counts()
      const client = await socketClient(server.url, user)
      const token = await login(server.url, user)
      for (const attempt of attempts(user, other)) {
        await rejectsWith(403, () => attempt.socket(client) as Promise<unknown>, `socket ${attempt.label}`)
        const [method, path, body] = attempt.http
        expectStatus(await http(server.url, method, path, { token, body }), 403, `HTTP ${attempt.label}`)
      }
      assert.deepStrictEqual(await counts(), before)
      const stored = await db('users').where({ id: user.id }).first()
      assert.strictEqual(stored.role, 'user')
      assert.strictEqual((await db('users').where({ id: other.id }).first()).name, other.name)
      assert.strictEqual(
        (await db('bookings').where({ id: scene.world.booking.id }).first()).worker_id,
        scene.world.worker.id
      )
      assert.strictEqual(
        (await db('companies').where({ id: scene.world.borrowerCompanyId }).first()).name !== 'Mine',
        true
      )
    })

    it('may patch their own profile fields, over Socket.io and HTTP', async () => {
      const user = await buildUser(server.app)
      const client = await socketClient(server.url, user)
      const patched = await client
        .service('users')
        .patch(user.id, { name: 'New Name', timezone: 'Europe/Madrid' })
      assert.strictEqual(patched.name, 'New Name')
      assert.strictEqual(patched.timezone, 'Europe/Madrid')
      assert.strictEqual(patched.role, 'user')
      assert.strictEqual((patched as any).password, undefined)

      const token = await login(server.url, user)
      const response = await http<User>(server.url, 'PATCH', `/users/${user.id}`, {
        token,
        body: { quiet_hours_start: '22:00', quiet_hours_end: '07:00' }
      })
      expectStatus(response, 200, 'PATCH own profile')
      assert.strictEqual(response.body.quiet_hours_start, '22:00')
      const stored = await server.app.get('postgresqlClient')('users').where({ id: user.id }).first()
      assert.strictEqual(stored.name, 'New Name')
      assert.strictEqual(stored.quiet_hours_end, '07:00')
      assert.strictEqual(stored.role, 'user')
    })

    it('cannot raise their own role even together with allowed fields', async () => {
      const user = await buildUser(server.app)
      const client = await socketClient(server.url, user)
      await rejectsWith(
        403,
        () => client.service('users').patch(user.id, { name: 'Sneaky', role: 'admin' }),
        'socket'
      )
      const stored = await server.app.get('postgresqlClient')('users').where({ id: user.id }).first()
      assert.strictEqual(stored.role, 'user')
      assert.strictEqual(stored.name, user.name)
    })
  })
})
