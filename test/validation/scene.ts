import assert from 'assert'
import { login, socketClient, socketOf } from '../helpers/clients'
import type { ClientApplication } from '../../src/client'
import type { TestServer } from '../helpers/app'
import { assertCleanErrorBody, emitCall } from '../helpers/transport-calls'
import { bookingChannel } from '../helpers/fixtures'

export function expectHttpError(response: { status: number; body: unknown }, status: number, what = '') {
  assert.strictEqual(
    response.status,
    status,
    `${what}: expected HTTP ${status}, got ${response.status} ${JSON.stringify(response.body)}`
  )
  assertCleanErrorBody(response.body, status, what)
}

/** A raw Socket.io service call on a client's connection: see emitCall. */
export const rawCall = <Result = unknown>(
  client: ClientApplication,
  method: string,
  path: string,
  ...args: unknown[]
) => emitCall<Result>(socketOf(client), method, path, ...args)

/** A booking channel with one message, and its worker connected over Socket.io and logged in over HTTP. */
export async function buildValidationScene(server: TestServer) {
  const { world, channel } = await bookingChannel(server.app)
  const channelId = channel.id
  const message = await server.app
    .service('messages')
    .create({ channel_id: channelId, content: 'first' }, { user: world.worker })
  const messageId = message.id
  const participants = await server.app.service('participants').find({ query: { channel_id: channelId } })
  const participantId = participants.data.find((p) => p.user_id === world.worker.id)!.id
  const worker = await socketClient(server.url, world.worker)
  const token = await login(server.url, world.worker)
  return { world, channelId, messageId, participantId, worker, token }
}
