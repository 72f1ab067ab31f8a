import { io } from 'socket.io-client'
import socketio from '@feathersjs/socketio-client'
import rest from '@feathersjs/rest-client'
import { createClient } from '../../src/client'
import type { ClientApplication, ServiceEvents, ServiceTypes } from '../../src/client'
import type { ServiceEventListeners } from '../../src/client-types'
import { QUIET_MS } from './assertions'

export interface Credentials {
  email: string
  password: string
}

const openClients: ClientApplication[] = []

/** A Feathers client over a real Socket.io connection, logged in as `who`. */
export async function socketClient(url: string, who?: Credentials): Promise<ClientApplication> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  const client = createClient(socketio(socket, { timeout: 10_000 }), { storage: memoryStorage() })
  openClients.push(client)
  if (who) await client.authenticate({ strategy: 'local', email: who.email, password: who.password })
  return client
}

/**
 * A client as the README tells apps to make one: it reconnects by itself with backoff and
 * re-authenticates (quickly, for tests). Drop its network with `socket.io.engine.close()`.
 */
export async function reconnectingClient(url: string, who: Credentials) {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 1000,
    randomizationFactor: 0.5
  })
  const client = createClient(socketio(socket))
  openClients.push(client)
  await client.authenticate({ strategy: 'local', email: who.email, password: who.password })
  return { client, socket }
}

/** A Feathers client over REST (fetch), logged in as `who`. */
export async function restClient(url: string, who?: Credentials): Promise<ClientApplication> {
  const client = createClient(rest(url).fetch(fetch), { storage: memoryStorage() })
  if (who) await client.authenticate({ strategy: 'local', email: who.email, password: who.password })
  return client
}

export function closeClients() {
  for (const client of openClients.splice(0)) socketOf(client).close()
}

export const socketOf = (client: ClientApplication) => client.io as ReturnType<typeof io>

/** The services whose events a client hears, and what each event carries, from the client's own types. */
export type EventPath = keyof ServiceEvents & keyof ServiceTypes & string
export type EventName<P extends EventPath> = keyof ServiceEvents[P] & string
export type EventData<P extends EventPath, E extends EventName<P>> = ServiceEvents[P][E]

/**
 * A client's service by its listener methods. For a path known only as a type parameter
 * TypeScript does not resolve the client's conditional service type, though for every such
 * path it is exactly this.
 */
const listenersOf = <P extends EventPath>(client: ClientApplication, path: P) =>
  client.service(path) as unknown as ServiceEventListeners<ServiceEvents[P]>

/** Records every event a client's service emits, for later assertions. */
export function recordEvents<P extends EventPath, E extends EventName<P>>(
  client: ClientApplication,
  path: P,
  event: E
) {
  const seen: EventData<P, E>[] = []
  listenersOf(client, path).on(event, (data: EventData<P, E>) => seen.push(data))
  return seen
}

/** Resolves with the first matching event, or rejects after `timeoutMs`. */
export function nextEvent<P extends EventPath, E extends EventName<P>>(
  client: ClientApplication,
  path: P,
  event: E,
  matches: (data: EventData<P, E>) => boolean = () => true,
  timeoutMs = 3000
): Promise<EventData<P, E>> {
  const service = listenersOf(client, path)
  return new Promise((resolve, reject) => {
    const listener = (data: EventData<P, E>) => {
      if (!matches(data)) return
      clearTimeout(timer)
      service.off(event, listener)
      resolve(data)
    }
    const timer = setTimeout(() => {
      service.off(event, listener)
      reject(new Error(`no '${path} ${event}' event within ${timeoutMs} ms`))
    }, timeoutMs)
    service.on(event, listener)
  })
}

/** Resolves when `client` hears that `userId` went online (or offline), as `nextEvent` would. */
export const nextPresence = (
  client: ClientApplication,
  userId: number,
  online: boolean,
  timeoutMs?: number
) => nextEvent(client, 'presence', 'patched', (s) => s.user_id === userId && s.online === online, timeoutMs)

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * What `silent` hears of new messages while `send` sends one with `content`, up to a quiet
 * moment after `control` (a connection that should hear it) has: a connection that must hear
 * nothing is checked against a control, so that silence is not merely a slow delivery.
 */
export async function heardBesideControl(
  silent: ClientApplication,
  control: ClientApplication,
  content: string,
  send: () => Promise<unknown>
) {
  const seen = recordEvents(silent, 'messages', 'created')
  const arrived = nextEvent(control, 'messages', 'created', (message) => message.content === content)
  await send()
  await arrived
  await sleep(QUIET_MS)
  return seen
}

/** Polls until `condition` holds; fails the test (instead of hanging) if it never does. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await sleep(20)
  }
}

/** Plain HTTP, as a REST consumer without the Feathers client would call. */
export async function http<T = unknown>(
  url: string,
  method: string,
  path: string,
  { token, body }: { token?: string; body?: unknown } = {}
) {
  const response = await fetch(url + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(token ? { Authorization: `Bearer ${token}` } : {})
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  })
  return answerOf<T>(response)
}

/** A Feathers error as it travels over HTTP; `Data` is what the route puts in `data`. */
export interface ErrorBody<Data = Record<string, unknown> | undefined> {
  name: string
  message: string
  code: number
  className: string
  data: Data
  errors?: unknown
}

/** A plain HTTP answer; `body` is undefined when the text is not JSON. */
export interface HttpAnswer<T = unknown> {
  status: number
  body: T
  text: string
}

/** A response as tests read it: the status, the JSON body when there is one, and the text. */
export async function answerOf<T = unknown>(response: Response): Promise<HttpAnswer<T>> {
  const text = await response.text()
  // The route's shape is not checked here: each caller names the shape it expects as `T`
  let json: T | undefined
  try {
    json = JSON.parse(text) as T
  } catch {
    json = undefined
  }
  return { status: response.status, body: json as T, text }
}

export async function login(url: string, who: Credentials): Promise<string> {
  const { status, body } = await http<{ accessToken: string }>(url, 'POST', '/authentication', {
    body: { strategy: 'local', email: who.email, password: who.password }
  })
  if (status !== 201) throw new Error(`login failed: ${status} ${JSON.stringify(body)}`)
  return body.accessToken
}

function memoryStorage() {
  const values = new Map<string, unknown>()
  return {
    getItem: (key: string) => values.get(key),
    setItem: (key: string, value: unknown) => void values.set(key, value),
    removeItem: (key: string) => void values.delete(key)
  }
}
