import assert from 'assert'
import { Ajv, addFormats } from '@feathersjs/schema'
import { Type } from '@feathersjs/typebox'
import type { TSchema } from '@feathersjs/typebox'
import { useServer } from '../helpers/app'
import { buildUser, openBookingChannel } from '../helpers/factories'
import { bookingWorld } from '../helpers/fixtures'
import { socketClient, waitUntil } from '../helpers/clients'
import type { ClientApplication, ServiceEventListeners, ServiceEvents } from '../../src/client'
import { messageSchema } from '../../src/modules/messaging/services/messages/messages.schema'
import { participantSchema } from '../../src/modules/messaging/services/participants/participants.schema'
import {
  channelSchema,
  channelViewSchema
} from '../../src/modules/messaging/services/channels/channels.schema'
import { presenceSchema, typingSchema } from '../../src/modules/messaging/services/presence/presence.schema'
import { authenticationResultSchema } from '../../src/modules/identity/authentication.schema'
import { Id } from '../../src/schema-types'

/**
 * The schema of the type each event is declared to carry. Typed by the client's
 * ServiceEvents: an event typed there without a schema here does not compile, so every
 * typed event is checked against what a real server sends.
 */
const declared: { [P in keyof ServiceEvents]: { [E in keyof ServiceEvents[P]]: TSchema } } = {
  messages: { created: messageSchema, removed: messageSchema },
  participants: { created: participantSchema, patched: participantSchema, removed: participantSchema },
  channels: { created: channelViewSchema, patched: channelSchema },
  presence: {
    patched: presenceSchema,
    typing: Type.Object({ ...typingSchema.properties, user_id: Id }, { additionalProperties: false })
  }
}

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }), ['date-time', 'email'])
const problemsOf = (schema: TSchema, payload: unknown) => {
  const validate = ajv.getSchema(schema.$id ?? '') ?? ajv.compile(schema)
  return validate(payload) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}

/** Every event of every typed service that `client` hears, by 'path event'. */
function hearEverything(client: ClientApplication) {
  const heard = new Map<string, unknown[]>()
  for (const [path, events] of Object.entries(declared)) {
    // The typed listeners are per event; the table walks them all with one
    const service = client.service(path as keyof ServiceEvents) as ServiceEventListeners<
      Record<string, unknown>
    >
    for (const event of Object.keys(events))
      service.on(event, (payload) =>
        heard.set(`${path} ${event}`, [...(heard.get(`${path} ${event}`) ?? []), payload])
      )
  }
  return heard
}

describe('the client’s typed events and sign-in result', function () {
  this.timeout(60_000)
  const server = useServer()

  it('carry what a real server sends: each typed event arrives in the shape of its declared type', async () => {
    const world = await bookingWorld(server.app)
    // Connected before the channel opens: the worker hears it created, and its participants join
    const worker = await socketClient(server.url, world.worker)
    const heard = hearEverything(worker)
    const channel = await openBookingChannel(server.app, world)
    await worker.service('presence').view({ channel_id: channel.id })
    // Someone who shares the channel comes online and types there
    const supervisor = await socketClient(server.url, world.supervisor)
    await supervisor.service('presence').typing({ channel_id: channel.id, typing: true })
    const sent = await supervisor.service('messages').create({ channel_id: channel.id, content: 'typed' })
    await worker
      .service('participants')
      .patch(null, { last_read_seq: sent.seq }, { query: { channel_id: channel.id } })
    await supervisor.service('messages').remove(sent.id)
    // A new supervisor: the old one's participant is removed; then the booking ends and the channel freezes
    const replacement = await buildUser(server.app)
    await server.app.service('bookings').patch(world.booking.id, { supervisor_id: replacement.id })
    await server.app.service('bookings').patch(world.booking.id, { status: 'cancelled' })

    const expected = Object.entries(declared).flatMap(([path, events]) =>
      Object.keys(events).map((event) => `${path} ${event}`)
    )
    await waitUntil(
      () => expected.every((name) => heard.has(name)),
      `every typed event (${expected.join(', ')})`,
      15_000
    )
    const problems = Object.entries(declared).flatMap(([path, events]) =>
      Object.entries(events as Record<string, TSchema>).flatMap(([event, schema]) =>
        heard
          .get(`${path} ${event}`)!
          .flatMap((payload) =>
            problemsOf(schema, payload).map(
              (problem) => `${path} ${event}: ${problem} in ${JSON.stringify(payload)}`
            )
          )
      )
    )
    assert.deepStrictEqual(problems, [])
    // And they are the records the calls answered
    assert.deepStrictEqual(heard.get('messages created'), [sent])
    assert.strictEqual((heard.get('messages removed') as { id: number }[])[0].id, sent.id)
  })

  it('authenticate() and reAuthenticate() answer an AuthenticationResult: the token, its payload, the own record without its password', async () => {
    const world = await bookingWorld(server.app)
    const client = await socketClient(server.url)
    const login = await client.authenticate({
      strategy: 'local',
      email: world.worker.email,
      password: world.worker.password
    })
    const again = await client.reAuthenticate(true)
    for (const result of [login, again])
      assert.deepStrictEqual(problemsOf(authenticationResultSchema, result), [], JSON.stringify(result))
    assert.strictEqual(login.authentication.strategy, 'local')
    assert.strictEqual(again.authentication.strategy, 'jwt')
    assert.strictEqual(login.user.id, world.worker.id)
    assert.strictEqual(login.authentication.payload.sub, String(world.worker.id))
    assert.ok(!('password' in login.user) && !('password' in again.user))
  })
})
