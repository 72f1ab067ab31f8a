import assert from 'assert'
import { useServer } from '../helpers/app'
import { buildAdmin, buildDispute, buildUser, PASSWORD } from '../helpers/factories'
import { bookingWorld } from '../helpers/fixtures'
import { http, login } from '../helpers/clients'
import {
  assertCleanErrorBody,
  emitCall,
  offeredMethods,
  rawSocket,
  restCall,
  socketArguments,
  takesData,
  takesId
} from '../helpers/transport-calls'
import type { ErrorBody } from '../helpers/clients'

const ELEMENTS = 150

describe('one record per call', () => {
  const server = useServer()
  let adminToken: string

  before(async () => {
    adminToken = await login(server.url, await buildAdmin(server.app))
  })

  it('answers a 150-element PATCH of one’s own profile with 400 at once, while /health keeps answering', async () => {
    const user = await buildUser(server.app)
    const token = await login(server.url, user)
    const body = Array.from({ length: ELEMENTS }, (_, i) => ({ password: `new password ${i}` }))
    let slowestHealthMs = 0
    let patching = true
    const probe = (async () => {
      while (patching) {
        const started = performance.now()
        assert.strictEqual((await http(server.url, 'GET', '/health')).status, 200)
        slowestHealthMs = Math.max(slowestHealthMs, performance.now() - started)
      }
    })()
    const started = performance.now()
    const response = await http(server.url, 'PATCH', `/users/${user.id}`, { token, body })
    const tookMs = performance.now() - started
    patching = false
    await probe
    assertCleanErrorBody(response.body, 400, 'array PATCH')
    // One bcrypt hash alone takes tens of milliseconds: 150 of them took many seconds
    assert.ok(tookMs < 1000, `answered after ${Math.round(tookMs)} ms`)
    assert.ok(slowestHealthMs < 1000, `/health waited ${Math.round(slowestHealthMs)} ms`)
    await login(server.url, { email: user.email, password: PASSWORD })
  })

  it('refuses an array as the data of every method that takes data, over REST and Socket.io, signed in or not', async () => {
    const socket = await rawSocket(server.url, adminToken)
    const anonymous = await rawSocket(server.url)
    const wrong: string[] = []
    for (const { path, method } of offeredMethods(server.app).filter(({ method }) => takesData(method))) {
      const data = [
        { name: 'a', content: 'b' },
        { name: 'c', content: 'd' }
      ]
      for (const token of [adminToken, undefined]) {
        const who = token ? 'admin' : 'anonymous'
        const response = await restCall(server.url, { method, path, id: 1, body: data, token })
        if (response.status !== 400)
          wrong.push(`REST ${who} ${method} ${path}: ${response.status} ${response.text}`)
        else assertCleanErrorBody(response.body, 400, `REST ${method} ${path}`)
      }
      for (const [who, client] of [
        ['admin', socket],
        ['anonymous', anonymous]
      ] as const) {
        const [error] = await emitCall(client, method, path, ...socketArguments(method, { id: 1, data }))
        if (error?.code !== 400) wrong.push(`Socket.io ${who} ${method} ${path}: ${JSON.stringify(error)}`)
        else assertCleanErrorBody(error, 400, `Socket.io ${method} ${path}`)
      }
    }
    socket.close()
    anonymous.close()
    assert.deepStrictEqual(wrong, [])
  })

  it('answers update, patch and remove without an id with 405, except logging out and marking read', async () => {
    const socket = await rawSocket(server.url, adminToken)
    const wrong: string[] = []
    // participants.patch(null, data, { query: { channel_id } }) marks the caller's own row read
    const marksRead = (path: string, method: string) => path === 'participants' && method === 'patch'
    const byId = offeredMethods(server.app).filter(
      ({ path, method }) =>
        takesId(method) && method !== 'get' && path !== 'authentication' && !marksRead(path, method)
    )
    assert.ok(byId.length >= 5, 'services offer update, patch or remove')
    for (const { path, method } of byId) {
      const data = { name: 'everyone' }
      const response = await restCall(server.url, {
        method,
        path,
        body: method === 'remove' ? undefined : data,
        token: adminToken
      })
      if (response.status !== 405) wrong.push(`REST ${method} ${path}: ${response.status} ${response.text}`)
      else assertCleanErrorBody(response.body, 405, `REST ${method} ${path}`)
      const [error] = await emitCall(socket, method, path, ...socketArguments(method, { id: null, data }))
      if (error?.code !== 405) wrong.push(`Socket.io ${method} ${path}: ${JSON.stringify(error)}`)
    }
    // Without the channel it names no record: a 400 that says so
    const unnamed = await restCall<ErrorBody>(server.url, {
      method: 'patch',
      path: 'participants',
      body: { muted: true },
      token: adminToken
    })
    assert.strictEqual(unnamed.status, 400, unnamed.text)
    assert.match(unnamed.body.message, /channel_id/)
    socket.close()
    assert.deepStrictEqual(wrong, [])
    const logout = await http(server.url, 'DELETE', '/authentication', { token: adminToken })
    assert.strictEqual(logout.status, 200, logout.text)
  })

  it('answers data that is not an object, and a patch that changes nothing, with 400', async () => {
    const user = await buildUser(server.app)
    const token = await login(server.url, user)
    const socket = await rawSocket(server.url, token)
    for (const data of [null, 42, 'text', true]) {
      const [error] = await emitCall(socket, 'patch', 'users', user.id, data, {})
      assertCleanErrorBody(error, 400, `patch users ${JSON.stringify(data)}`)
    }
    socket.close()
    const world = await bookingWorld(server.app)
    const dispute = await buildDispute(server.app, world.booking.id, [world.worker.id])
    const ids: Record<string, number> = {
      users: user.id,
      companies: world.lenderCompanyId,
      bookings: world.booking.id,
      disputes: dispute.id
    }
    for (const [path, id] of Object.entries(ids)) {
      const response = await http(server.url, 'PATCH', `/${path}/${id}`, {
        token: path === 'users' ? token : adminToken,
        body: {}
      })
      assertCleanErrorBody(response.body, 400, `empty patch of ${path}`)
    }
  })
})
