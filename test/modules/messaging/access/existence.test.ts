import assert from 'assert'
import { useServer } from '../../../helpers/app'
import { bookingChannel, bookingWorld } from '../../../helpers/fixtures'
import type { BookingWorld } from '../../../helpers/factories'
import { http, login, socketClient } from '../../../helpers/clients'
import type { ClientApplication } from '../../../../src/client'
import { failure } from '../../../helpers/assertions'

/**
 * Someone who may not see a record gets exactly the answer they get for an id that does
 * not exist, over Socket.io and REST, so that probing ids tells them nothing.
 */
describe('ids an outsider may not see look like ids that do not exist', () => {
  const server = useServer()
  let world: BookingWorld
  let channelless: BookingWorld
  let stranger: BookingWorld
  let channelId: number
  let messageId: number
  let participantId: number
  let deviceTokenId: number
  let socket: ClientApplication
  let token: string
  // Far above any id this run creates
  const missing = 2_000_000_000 + Math.floor(Math.random() * 1_000_000)

  before(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
    channelless = await bookingWorld(server.app)
    // The prober takes part in a channel of their own: a real user, not an empty account
    ;({ world: stranger } = await bookingChannel(server.app))
    messageId = (
      await server.app
        .service('messages')
        .create({ channel_id: channelId, content: 'Gate code 4411' }, { user: world.worker })
    ).id
    const participants = await server.app.service('participants').find({ query: { channel_id: channelId } })
    participantId = participants.data.find((row) => row.user_id === world.supervisor.id)!.id
    const device = await server.app
      .service('device-tokens')
      .create({ token: `device-${messageId}`, platform: 'ios' }, { user: world.worker })
    deviceTokenId = device.id
    socket = await socketClient(server.url, stranger.worker)
    token = await login(server.url, stranger.worker)
  })

  /** An error as the caller sees it; the id they asked about, which they know already, stands as `:id`. */
  const shape = (error: any, id: number) => ({
    name: error.name,
    message: String(error.message).replaceAll(String(id), ':id'),
    code: error.code,
    className: error.className,
    data: error.data
  })

  /** The call is refused for the existing id exactly as for an unknown one. */
  async function sameAnswer(label: string, call: (id: number) => Promise<unknown>, existing: number) {
    const seen = shape(await failure(() => call(existing)), existing)
    const unseen = shape(await failure(() => call(missing)), missing)
    assert.ok([403, 404].includes(seen.code), `${label}: refused (${seen.code} ${seen.message})`)
    assert.deepStrictEqual(seen, unseen, `${label}: an existing id answers like an unknown one`)
  }

  async function sameHttpAnswer(
    label: string,
    method: string,
    request: (id: number) => { path: string; body?: unknown },
    existing: number
  ) {
    const answer = async (id: number) => {
      const { path, body } = request(id)
      const response = await http(server.url, method, path, { token, body })
      return { status: response.status, ...shape(response.body, id) }
    }
    const [seen, unseen] = [await answer(existing), await answer(missing)]
    assert.ok([403, 404].includes(seen.status), `${label}: refused (${seen.status} ${seen.message})`)
    assert.deepStrictEqual(seen, unseen, `${label}: an existing id answers like an unknown one`)
  }
  const byId = (path: string, body?: unknown) => (id: number) => ({ path: `/${path}/${id}`, body })

  it('messages: get and remove by id, over Socket.io and HTTP', async () => {
    const messages = socket.service('messages')
    await sameAnswer('messages.get', (id) => messages.get(id), messageId)
    await sameAnswer('messages.remove', (id) => messages.remove(id), messageId)
    await sameHttpAnswer('GET /messages/:id', 'GET', byId('messages'), messageId)
    await sameHttpAnswer('DELETE /messages/:id', 'DELETE', byId('messages'), messageId)
    const stored = await server.app.get('postgresqlClient')('chat_messages').where({ id: messageId }).first()
    assert.strictEqual(stored.is_deleted, false)
  })

  it('participants: get and patch by id, over Socket.io and HTTP', async () => {
    const participants = socket.service('participants')
    await sameAnswer('participants.get', (id) => participants.get(id), participantId)
    await sameAnswer('participants.patch', (id) => participants.patch(id, { muted: true }), participantId)
    await sameHttpAnswer('GET /participants/:id', 'GET', byId('participants'), participantId)
    await sameHttpAnswer(
      'PATCH /participants/:id',
      'PATCH',
      byId('participants', { last_read_seq: 1 }),
      participantId
    )
    const stored = await server.app
      .get('postgresqlClient')('chat_participants')
      .where({ id: participantId })
      .first()
    assert.strictEqual(stored.muted, false)
    assert.strictEqual(Number(stored.last_read_seq), 0)
  })

  it('channels and what takes a channel id: get, find, send, presence', async () => {
    await sameAnswer('channels.get', (id) => socket.service('channels').get(id), channelId)
    await sameAnswer(
      'messages.find',
      (id) => socket.service('messages').find({ query: { channel_id: id } }),
      channelId
    )
    await sameAnswer(
      'participants.find',
      (id) => socket.service('participants').find({ query: { channel_id: id } }),
      channelId
    )
    await sameAnswer(
      'messages.create',
      (id) => socket.service('messages').create({ channel_id: id, content: 'hello?' }),
      channelId
    )
    await sameAnswer('presence.view', (id) => socket.service('presence').view({ channel_id: id }), channelId)
    await sameHttpAnswer('GET /channels/:id', 'GET', byId('channels'), channelId)
    await sameHttpAnswer('GET /messages', 'GET', (id) => ({ path: `/messages?channel_id=${id}` }), channelId)
  })

  it('contexts: a booking with a channel, one without, and none, when opening its channel or sending to it', async () => {
    const context = (context_id: number) => ({ context_type: 'booking' as const, context_id })
    const send = (context_id: number) => ({ ...context(context_id), content: 'hi' })
    for (const [label, bookingId] of [
      ['with a channel', world.booking.id],
      ['without a channel yet', channelless.booking.id]
    ] as const) {
      await sameAnswer(
        `channels.create, booking ${label}`,
        (id) => socket.service('channels').create(context(id)),
        bookingId
      )
      await sameAnswer(
        `messages.create, booking ${label}`,
        (id) => socket.service('messages').create(send(id)),
        bookingId
      )
      await sameHttpAnswer(
        `POST /channels, booking ${label}`,
        'POST',
        (id) => ({ path: '/channels', body: context(id) }),
        bookingId
      )
      await sameHttpAnswer(
        `POST /messages, booking ${label}`,
        'POST',
        (id) => ({ path: '/messages', body: send(id) }),
        bookingId
      )
    }
    const opened = await server.app
      .get('postgresqlClient')('chat_channels')
      .where(context(channelless.booking.id))
    assert.deepStrictEqual(opened, [], 'no channel was opened for the outsider')
  })

  it("device tokens: someone else's by id, over Socket.io and HTTP", async () => {
    const devices = socket.service('device-tokens')
    await sameAnswer('device-tokens.get', (id) => devices.get(id), deviceTokenId)
    await sameAnswer('device-tokens.remove', (id) => devices.remove(id), deviceTokenId)
    await sameHttpAnswer('GET /device-tokens/:id', 'GET', byId('device-tokens'), deviceTokenId)
    await sameHttpAnswer('DELETE /device-tokens/:id', 'DELETE', byId('device-tokens'), deviceTokenId)
    assert.ok(await server.app.get('postgresqlClient')('device_tokens').where({ id: deviceTokenId }).first())
  })

  it('a participant asking for a deleted message gets the answer of an unknown id', async () => {
    const deleted = await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'oops' }, { user: world.worker })
    await server.app.service('messages').remove(deleted.id, { user: world.worker })
    const participant = await socketClient(server.url, world.supervisor)
    await sameAnswer(
      'messages.get of a deleted message',
      (id) => participant.service('messages').get(id),
      deleted.id
    )
  })
})
