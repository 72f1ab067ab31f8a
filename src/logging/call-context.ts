import { AsyncLocalStorage } from 'async_hooks'
import crypto from 'crypto'

/** What every log line written during one HTTP request or one Socket.io call says of it. */
export interface CallContext {
  request_id: string
  /** set once the call is authenticated (a REST call learns it midway, in its hooks) */
  user_id?: string | number
  connection_id?: string
}

const calls = new AsyncLocalStorage<CallContext>()

/** The call under way in this async context, if any: the logger adds its fields to every line. */
export const currentCall = (): CallContext | undefined => calls.getStore()

/** Runs `work` as part of `call`: whatever it logs, however deep or late in that call, carries its id. */
export const withinCall = <T>(call: CallContext, work: () => T): T => calls.run(call, work)

// A UUID, a trace id, a hex or base64url id: short, and nothing that could break a log line
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * The client's `X-Request-Id` if it is a plain id of bounded length, else a new one: a
 * header is the caller's say-so, and a newline or 10 KB in it must not reach the log.
 */
export const acceptedRequestId = (given: unknown): string =>
  typeof given === 'string' && ACCEPTABLE_REQUEST_ID.test(given) ? given : crypto.randomUUID()

const connectionIds = new WeakMap<object, string>()

/** Names a Socket.io connection (Feathers' `params.connection`) by its socket's id, for the log. */
export const nameConnection = (connection: object, id: string) => connectionIds.set(connection, id)

export const connectionIdOf = (connection: unknown): string | undefined =>
  connection && typeof connection === 'object' ? connectionIds.get(connection) : undefined
