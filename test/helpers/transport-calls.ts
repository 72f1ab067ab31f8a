import assert from 'assert'
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import { getServiceOptions } from '@feathersjs/feathers'
import type { FeathersErrorJSON } from '@feathersjs/errors'
import type { Application } from '../../src/declarations'
import { answerOf } from './clients'

/** An error body as the spec describes it: a Feathers error, without internals. */
export function assertCleanErrorBody(
  body: unknown,
  code: number | undefined,
  what = ''
): asserts body is FeathersErrorJSON {
  assert.ok(body && typeof body === 'object', `${what}: error body is JSON`)
  assert.strictEqual((body as Partial<FeathersErrorJSON>).code, code, `${what}: body.code`)
  assertFeathersClientError(body, what)
}

/** A 4xx Feathers error with a name, a class and a message, and no stack or trace. */
export function assertFeathersClientError(body: unknown, what = ''): asserts body is FeathersErrorJSON {
  const text = JSON.stringify(body)
  assert.ok(body && typeof body === 'object', `${what}: error is an object: ${text}`)
  const fields = body as Record<string, unknown>
  const { code } = fields
  assert.ok(
    typeof code === 'number' && Number.isInteger(code) && code >= 400 && code < 500,
    `${what}: a 4xx code: ${text}`
  )
  for (const field of ['name', 'message', 'className']) {
    const value = fields[field]
    assert.ok(typeof value === 'string' && value.length > 0, `${what}: body.${field}: ${text}`)
  }
  assert.ok(!('stack' in body), `${what}: no stack in ${text}`)
  assert.ok(
    !/\bat .*\(.*:\d+:\d+\)|node_modules|\/work\/|\.ts:\d+/.test(text),
    `${what}: no trace in ${text}`
  )
}

export const STANDARD_METHODS = ['find', 'get', 'create', 'update', 'patch', 'remove']
const WITH_ID = ['get', 'update', 'patch', 'remove']
const WITH_DATA = ['create', 'update', 'patch']
const VERBS: Record<string, string> = {
  find: 'GET',
  get: 'GET',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  remove: 'DELETE'
}

/** Every method every service offers, custom ones included. */
export const offeredMethods = (app: Application) =>
  Object.keys(app.services).flatMap((path) =>
    getServiceOptions(app.service(path as keyof typeof app.services)).methods!.map((method) => ({
      path,
      method
    }))
  )

export const takesId = (method: string) => WITH_ID.includes(method)
/** Standard methods with a body, and custom methods, whose only argument is data. */
export const takesData = (method: string) => WITH_DATA.includes(method) || !STANDARD_METHODS.includes(method)

// A lone surrogate has no UTF-8 form: it goes out as the bytes a broken encoder would write
const pathSegment = (id: unknown) => {
  try {
    return encodeURIComponent(String(id))
  } catch {
    return '%ED%A0%80'
  }
}

/**
 * A service call over plain HTTP as any client could make it: custom methods are a POST
 * naming the method in `X-Service-Method`; `body` is sent as given if it is a string or
 * a Buffer, as JSON otherwise.
 */
export async function restCall<T = unknown>(
  url: string,
  {
    method,
    path,
    id,
    body,
    token,
    headers = {}
  }: {
    method: string
    path: string
    id?: unknown
    body?: unknown
    token?: string
    headers?: Record<string, string>
  }
) {
  const custom = !STANDARD_METHODS.includes(method)
  const target = `${url}/${path}${takesId(method) && id !== undefined ? `/${pathSegment(id)}` : ''}`
  const raw =
    body === undefined || typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body)
  const response = await fetch(target, {
    method: custom ? 'POST' : VERBS[method],
    headers: {
      ...(raw === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(custom ? { 'X-Service-Method': method } : {}),
      ...headers
    },
    body: raw as BodyInit | undefined
  })
  return answerOf<T>(response)
}

/** A bare Socket.io connection (no Feathers client), logged in over the socket if a token is given. */
export async function rawSocket(url: string, token?: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  if (token) {
    const [error] = await emitCall(
      socket,
      'create',
      'authentication',
      { strategy: 'jwt', accessToken: token },
      {}
    )
    if (error) throw new Error(`socket login failed: ${JSON.stringify(error)}`)
  }
  return socket
}

/**
 * Emits a raw Socket.io service call and resolves with [error, result] as the server
 * answered them (a Feathers error as JSON, and a result of the shape the caller expects);
 * fails if there is no answer.
 */
export function emitCall<Result = unknown>(
  socket: Socket,
  method: string,
  path: unknown,
  ...args: unknown[]
): Promise<[FeathersErrorJSON | null | undefined, Result]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer to ${method} ${String(path)} within 5 s`)),
      5000
    )
    socket.emit(method, path, ...args, (error: FeathersErrorJSON | null | undefined, result: Result) => {
      clearTimeout(timer)
      resolve([error, result])
    })
  })
}

/** The arguments of a Socket.io call of `method` with this id, data and query. */
export const socketArguments = (
  method: string,
  { id, data, query = {} }: { id?: unknown; data?: unknown; query?: unknown }
) =>
  method === 'find'
    ? [query]
    : [...(takesId(method) ? [id] : []), ...(takesData(method) ? [data] : []), query]
