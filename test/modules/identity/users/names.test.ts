import assert from 'assert'
import { useServer } from '../../../helpers/app'
import { buildAdmin, buildUser } from '../../../helpers/factories'
import { bookingWorld } from '../../../helpers/fixtures'
import type { TestUser } from '../../../helpers/factories'
import { http, login, socketClient } from '../../../helpers/clients'
import { cheatSheetVectors, issueVectors } from '../../../fixtures/xss-vectors'
import type { ErrorBody } from '../../../helpers/clients'
import type { Company, User } from '../../../../src/client'

const MARKUP_START = /<[a-zA-Z/!?]/

describe('names people see are stored without markup', () => {
  const server = useServer()
  const db = () => server.app.get('postgresqlClient')
  const storedName = async (table: 'users' | 'companies', id: number) =>
    (await db()(table).where({ id }).first('name')).name

  let eve: TestUser
  let eveToken: string
  let adminToken: string

  before(async () => {
    eve = await buildUser(server.app, { name: 'Eve Stone' })
    eveToken = await login(server.url, eve)
    adminToken = await login(server.url, await buildAdmin(server.app))
  })

  it("PATCH /users/:id removes the markup of the issue's display name", async () => {
    const response = await http<User>(server.url, 'PATCH', `/users/${eve.id}`, {
      token: eveToken,
      body: { name: '<img/src=x/onerror=alert(1)> Eve' }
    })
    assert.strictEqual(response.status, 200, response.text)
    assert.strictEqual(response.body.name, 'Eve')
    assert.strictEqual(await storedName('users', eve.id), 'Eve')
  })

  it('stores no tag a browser would parse for any vector as a display name, or refuses it with 400', async () => {
    const statuses = new Map<number, number>()
    for (const vector of [...issueVectors, ...cheatSheetVectors]) {
      const name = `${vector} Eve`
      const response = await http<User | ErrorBody>(server.url, 'PATCH', `/users/${eve.id}`, {
        token: eveToken,
        body: { name }
      })
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
      assert.ok(
        [200, 400].includes(response.status),
        `${JSON.stringify(name)}: ${response.status} ${response.text}`
      )
      const stored = await storedName('users', eve.id)
      assert.ok(!MARKUP_START.test(stored), `${JSON.stringify(name)} stored as ${JSON.stringify(stored)}`)
      if (response.status === 200) assert.strictEqual(response.body.name, stored)
      else assert.strictEqual(response.body.name, 'BadRequest')
    }
    // Most are stored without their markup; the rest are longer than a name may be, or only markup
    assert.ok((statuses.get(200) ?? 0) > cheatSheetVectors.length / 2, JSON.stringify([...statuses]))
  })

  it('refuses a name that is nothing but markup with 400 and keeps the old one', async () => {
    await http(server.url, 'PATCH', `/users/${eve.id}`, { token: eveToken, body: { name: 'Eve Stone' } })
    for (const name of [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      ' <b></b> ',
      '<\u0000script>x<\u0000/script>'
    ]) {
      const response = await http<ErrorBody>(server.url, 'PATCH', `/users/${eve.id}`, {
        token: eveToken,
        body: { name }
      })
      assert.strictEqual(response.status, 400, `${JSON.stringify(name)}: ${response.text}`)
      assert.strictEqual(response.body.name, 'BadRequest')
      assert.strictEqual(response.body.data?.field, 'name')
    }
    assert.strictEqual(await storedName('users', eve.id), 'Eve Stone')
  })

  it('keeps plain text in names exactly', async () => {
    for (const name of ['Ana <3 Bo', 'Zoë & Łukasz', '王小明', 'Иван Петров', 'José 😀', 'a < b']) {
      const response = await http(server.url, 'PATCH', `/users/${eve.id}`, {
        token: eveToken,
        body: { name }
      })
      assert.strictEqual(response.status, 200, response.text)
      assert.strictEqual(await storedName('users', eve.id), name)
    }
  })

  it('sanitizes the name of a user an admin creates', async () => {
    const response = await http<User>(server.url, 'POST', '/users', {
      token: adminToken,
      body: {
        email: `mallory-${eve.id}@example.test`,
        password: 'long enough secret',
        name: '<svg onload=alert(1)>Mallory'
      }
    })
    assert.strictEqual(response.status, 201, response.text)
    assert.strictEqual(response.body.name, 'Mallory')
    assert.strictEqual(await storedName('users', response.body.id), 'Mallory')
  })

  it('sanitizes company names on create and patch', async () => {
    const created = await http<Company>(server.url, 'POST', '/companies', {
      token: adminToken,
      body: { name: 'Acme <\u0000script>alert(1)<\u0000/script>Staffing' }
    })
    assert.strictEqual(created.status, 201, created.text)
    assert.strictEqual(created.body.name, 'Acme Staffing')
    const patched = await http<Company>(server.url, 'PATCH', `/companies/${created.body.id}`, {
      token: adminToken,
      body: { name: 'Acme <img src=x title="<" onerror=alert(1)>& Sons' }
    })
    assert.strictEqual(patched.status, 200, patched.text)
    assert.strictEqual(patched.body.name, 'Acme & Sons')
    assert.strictEqual(await storedName('companies', created.body.id), 'Acme & Sons')
  })

  it('answers names of repeated <script with 400: too long, or nothing but markup', async () => {
    for (const times of [2857, 28]) {
      const response = await http(server.url, 'PATCH', `/users/${eve.id}`, {
        token: eveToken,
        body: { name: '<script'.repeat(times) }
      })
      assert.strictEqual(response.status, 400, `${times}: ${response.text}`)
    }
  })

  it('shows other people the sanitized name over Socket.io', async () => {
    const world = await bookingWorld(server.app)
    const supervisor = await socketClient(server.url, world.supervisor)
    const token = await login(server.url, world.worker)
    const patched = await http(server.url, 'PATCH', `/users/${world.worker.id}`, {
      token,
      body: { name: '<\u0085svg onload=alert(1)>Walt' }
    })
    assert.strictEqual(patched.status, 200, patched.text)
    assert.strictEqual((await supervisor.service('users').get(world.worker.id)).name, 'Walt')
  })
})
