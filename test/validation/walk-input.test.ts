import assert from 'assert'
import type { Socket } from 'socket.io-client'
import { useServer } from '../helpers/app'
import { buildAdmin } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import { http, login } from '../helpers/clients'
import {
  assertFeathersClientError,
  emitCall,
  offeredMethods,
  rawSocket,
  restCall,
  socketArguments,
  takesData,
  takesId
} from '../helpers/transport-calls'
import {
  PROTOTYPE_NAMES,
  junkData,
  junkIds,
  junkQueries,
  junkQueryStrings,
  junkRawBodies
} from '../helpers/junk'

type Call = { label: string; status: number; error?: any }

/**
 * Every answer to junk is a 2xx or a 4xx Feathers error (code, name, message): never
 * a 5xx, a raw exception or silence. Returns what was wrong, for one assertion at the end.
 */
function judge(calls: Call[]) {
  const wrong: string[] = []
  for (const { label, status, error } of calls) {
    if (status >= 200 && status < 300) continue
    try {
      assertFeathersClientError(error, label)
      if (status !== error.code) throw new Error(`${label}: HTTP ${status} but code ${error.code}`)
    } catch (problem: any) {
      wrong.push(`${label} → ${status}: ${problem.message}`.slice(0, 400))
    }
  }
  return wrong
}

describe('every service and method against junk input', function () {
  this.timeout(120_000)
  const server = useServer({ limits: { messages_per_minute: 100_000 } })
  const callers: { who: string; token?: string; socket?: Socket }[] = [{ who: 'anonymous' }]

  before(async () => {
    const { world } = await bookingChannel(server.app)
    callers.push({ who: 'user', token: await login(server.url, world.worker) })
    callers.push({ who: 'admin', token: await login(server.url, await buildAdmin(server.app)) })
    for (const caller of callers) caller.socket = await rawSocket(server.url, caller.token)
  })
  after(() => callers.forEach(({ socket }) => socket?.close()))

  const walk = () => offeredMethods(server.app)

  async function overRest(run: (caller: (typeof callers)[number]) => Promise<Call[]>) {
    const calls: Call[] = []
    for (const caller of callers) calls.push(...(await run(caller)))
    return calls
  }

  it('answers junk ids, data and queries over REST with 2xx or 4xx Feathers errors', async () => {
    const calls = await overRest(async ({ who, token }) => {
      const made: Call[] = []
      const call = async (label: string, options: Parameters<typeof restCall>[1]) => {
        const { status, body } = await restCall(server.url, { token, ...options })
        made.push({ label: `REST ${who} ${label}`, status, error: body })
      }
      for (const { path, method } of walk()) {
        for (const id of takesId(method) ? junkIds : [undefined]) {
          await call(`${method} ${path} id ${JSON.stringify(id)}`, {
            method,
            path,
            id,
            body: takesData(method) ? {} : undefined
          })
        }
        if (takesData(method)) {
          for (const data of junkData)
            await call(`${method} ${path} ${JSON.stringify(data).slice(0, 60)}`, {
              method,
              path,
              id: 1,
              body: JSON.stringify(data)
            })
          for (const body of junkRawBodies)
            await call(`${method} ${path} raw ${String(body).slice(0, 40)}`, { method, path, id: 1, body })
          for (const encoding of ['gzip', 'deflate', 'br', 'compress']) {
            await call(`${method} ${path} as ${encoding}`, {
              method,
              path,
              id: 1,
              body: '{}',
              headers: { 'Content-Encoding': encoding }
            })
          }
        }
      }
      return made
    })
    assert.ok(calls.length > 500, `${calls.length} calls`)
    assert.deepStrictEqual(judge(calls), [])
  })

  it('answers junk query strings, prototype paths and method overrides over REST', async () => {
    const calls = await overRest(async ({ who, token }) => {
      const made: Call[] = []
      const get = async (label: string, target: string, headers: Record<string, string> = {}) => {
        const response = await fetch(server.url + target, {
          headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers }
        })
        const text = await response.text()
        let body: any
        try {
          body = JSON.parse(text)
        } catch {
          body = text
        }
        made.push({ label: `REST ${who} ${label}`, status: response.status, error: body })
      }
      for (const path of new Set(walk().map(({ path }) => path))) {
        for (const query of junkQueryStrings) await get(`GET /${path}?${query}`, `/${path}?${query}`)
        for (const name of PROTOTYPE_NAMES) {
          await get(`GET /${path}/${name}`, `/${path}/${name}`)
          await get(`GET /${name}/${path}`, `/${name}/${path}`)
          await get(`GET /${path} as ${name}`, `/${path}`, { 'X-Service-Method': name })
        }
      }
      return made
    })
    assert.deepStrictEqual(judge(calls), [])
  })

  it('answers junk ids, data and queries over Socket.io with results or 4xx Feathers errors', async () => {
    const calls: Call[] = []
    for (const { who, socket } of callers) {
      const call = async (label: string, method: string, path: unknown, args: unknown[]) => {
        const [error] = await emitCall(socket!, method, path, ...args)
        calls.push({ label: `Socket.io ${who} ${label}`, status: error ? (error.code ?? 0) : 200, error })
      }
      for (const { path, method } of walk()) {
        for (const id of takesId(method) ? junkIds : [1]) {
          await call(
            `${method} ${path} id ${JSON.stringify(id)}`,
            method,
            path,
            socketArguments(method, { id, data: {} })
          )
        }
        for (const query of junkQueries) {
          await call(
            `${method} ${path} query ${JSON.stringify(query).slice(0, 60)}`,
            method,
            path,
            socketArguments(method, { id: 1, data: {}, query })
          )
        }
        if (takesData(method)) {
          for (const data of [...junkData, Buffer.from([0xff, 0xfe, 0xc0])]) {
            await call(
              `${method} ${path} ${JSON.stringify(data)?.slice(0, 60)}`,
              method,
              path,
              socketArguments(method, { id: 1, data })
            )
          }
        }
        for (const name of PROTOTYPE_NAMES) {
          await call(`${method} on path ${name}`, method, name, socketArguments(method, { id: 1, data: {} }))
          await call(
            `${method} on path ${path}/${name}`,
            method,
            `${path}/${name}`,
            socketArguments(method, { id: 1, data: {} })
          )
        }
        await call(
          `${method} with a path that is not a string`,
          method,
          { path },
          socketArguments(method, { id: 1, data: {} })
        )
        await call(`${method} with too many arguments`, method, path, [
          ...socketArguments(method, { id: 1, data: {} }),
          {},
          {}
        ])
      }
    }
    assert.ok(calls.length > 1000, `${calls.length} calls`)
    assert.deepStrictEqual(judge(calls), [])
  })

  it('still answers /health and serves a plain request afterwards', async () => {
    assert.strictEqual((await http(server.url, 'GET', '/health')).status, 200)
    assert.strictEqual((await http(server.url, 'GET', '/users', { token: callers[2].token })).status, 200)
  })
})
