import assert from 'assert'
import type { Application } from '../../../../src/declarations'
import { useServer } from '../../../helpers/app'
import { buildAdmin, openBookingChannel } from '../../../helpers/factories'
import { bookingChannel, bookingWorld } from '../../../helpers/fixtures'
import type { ErrorBody } from '../../../helpers/clients'

export function expectStatus(response: { status: number; body?: unknown }, status: number, what = '') {
  assert.strictEqual(
    response.status,
    status,
    `${what}: expected HTTP ${status}, got ${response.status} ${JSON.stringify(response.body)}`
  )
  if (status >= 400)
    assert.strictEqual(
      (response.body as Partial<ErrorBody> | undefined)?.code,
      status,
      `${what}: error body code`
    )
}

/** A booking channel with one message, a second booking with its own channel, and an admin. */
export async function buildAuthorizationScene(app: Application) {
  const { world, channelId } = await bookingChannel(app)
  const otherWorld = await bookingWorld(app)
  const admin = await buildAdmin(app)
  const message = await app
    .service('messages')
    .create({ channel_id: channelId, content: 'Shift starts at eight' }, { user: world.worker })
  const messageId = message.id
  const participants = await app.service('participants').find({ query: { channel_id: channelId } })
  const workerParticipantId = participants.data.find((p) => p.user_id === world.worker.id)!.id
  const supervisorParticipantId = participants.data.find((p) => p.user_id === world.supervisor.id)!.id
  // The unrelated user really does participate in a channel of their own
  await openBookingChannel(app, otherWorld)
  return { world, otherWorld, admin, channelId, messageId, workerParticipantId, supervisorParticipantId }
}

/** A server, and the authorization scene on it once the suite's `before` hooks ran. */
export function useAuthorizationScene() {
  const server = useServer()
  const scene = {} as Awaited<ReturnType<typeof buildAuthorizationScene>>
  before(async () => {
    Object.assign(scene, await buildAuthorizationScene(server.app))
  })
  return { server, scene }
}
