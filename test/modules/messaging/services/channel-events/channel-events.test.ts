import assert from 'assert'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { useServer } from '../../../../helpers/app'
import { writeKeyPair } from '../../../../helpers/evidence'
import { buildAdmin, buildUser } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import type { BookingWorld, TestUser } from '../../../../helpers/factories'
import { closeClients, http, login, nextEvent, socketClient } from '../../../../helpers/clients'
import { trustedKeyFile, verifySignature } from '../../../../../src/modules/messaging/evidence/trust'
import { verifyChain } from '../../../../../src/modules/messaging/evidence/chain'
import type { Paginated } from '@feathersjs/feathers'
import type { Message, Transcript } from '../../../../../src/client'

/**
 * The record over the API: participants read a channel's events as system lines
 * beside its messages; admins (only) get the signed transcript and the chain's check.
 */
describe('channel events, transcripts and history checks over the API', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-api-'))
  const keys = writeKeyPair(dir, 'server')
  const server = useServer({ evidence: { signing_key: keys.privatePath } })
  let world: BookingWorld
  let admin: TestUser
  let channelId: number
  let deletedId: number

  before(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
    admin = await buildAdmin(server.app)
    const say = (content: string) =>
      server.app.service('messages').create({ channel_id: channelId, content }, { user: world.worker })
    await say('one')
    deletedId = (await say('two')).id
    await server.app.service('messages').remove(deletedId, { user: admin })
    await server.app.service('bookings').patch(world.booking.id, { status: 'completed' })
  })
  after(() => {
    closeClients()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('shows participants the channel’s events as system lines, placed after the message they followed', async () => {
    const supervisor = await socketClient(server.url, world.supervisor)
    const page = await supervisor
      .service('channel-events')
      .find({ query: { channel_id: channelId, $sort: { event_seq: 1 } } })
    assert.strictEqual(page.total, 9)
    const lines = page.data.map((event) => [event.after_seq, event.text])
    assert.deepStrictEqual(lines.slice(7), [
      [2, `${admin.name} deleted a message from ${world.worker.name}`],
      [2, 'Channel frozen: booking completed']
    ])
    assert.deepStrictEqual(lines.slice(0, 2), [
      [0, `Channel opened for booking #${world.booking.id}`],
      [0, `${world.worker.name} joined as worker`]
    ])
    const deletion = page.data[7]
    assert.deepStrictEqual(
      [deletion.kind, deletion.actor, deletion.message_id],
      ['message.deleted', { id: admin.id, name: admin.name }, deletedId]
    )
    assert.ok(!('hash' in deletion), 'no chain links for participants')

    const later = await supervisor
      .service('channel-events')
      .find({ query: { channel_id: channelId, after_seq: { $gt: 0 }, kind: 'channel.frozen' } })
    assert.deepStrictEqual(
      later.data.map((event) => event.event_seq),
      [9]
    )
    assert.deepStrictEqual(await supervisor.service('channel-events').get(deletion.id), deletion)
  })

  it('names people in events as they were called then, beside their name now, after a rename', async () => {
    const renamed = await bookingChannel(server.app)
    const said = await server.app
      .service('messages')
      .create({ channel_id: renamed.channelId, content: 'soon gone' }, { user: renamed.worker })
    await server.app.service('messages').remove(said.id, { user: admin })
    const [workerThen, adminThen] = [renamed.worker.name, admin.name]
    const rename = (person: TestUser, name: string) => server.app.service('users').patch(person.id, { name })
    await rename(renamed.worker, 'Worker Renamed')
    await rename(admin, 'Admin Renamed')
    try {
      const supervisor = await socketClient(server.url, renamed.supervisor)
      const events = (
        await supervisor
          .service('channel-events')
          .find({ query: { channel_id: renamed.channelId, $sort: { event_seq: 1 } } })
      ).data
      const joined = events.find((e) => e.kind === 'participant.joined' && e.user?.id === renamed.worker.id)!
      assert.deepStrictEqual(
        [joined.text, joined.user_name, joined.user],
        [`${workerThen} joined as worker`, workerThen, { id: renamed.worker.id, name: 'Worker Renamed' }]
      )
      const deletion = events.find((e) => e.kind === 'message.deleted')!
      assert.deepStrictEqual(
        [deletion.text, deletion.actor_name, deletion.actor, deletion.user_name],
        [
          `${adminThen} deleted a message from ${workerThen}`,
          adminThen,
          { id: admin.id, name: 'Admin Renamed' },
          workerThen
        ]
      )
      assert.deepStrictEqual(await supervisor.service('channel-events').get(joined.id), joined)
    } finally {
      // The other tests name the admin as the suite built him
      await rename(admin, adminThen)
    }
  })

  it('keeps a channel’s events from outsiders, as it keeps the channel', async () => {
    const outsider = await login(server.url, world.outsider)
    const listed = await http(server.url, 'GET', `/channel-events?channel_id=${channelId}`, {
      token: outsider
    })
    assert.strictEqual(listed.status, 403)
    const [event] = (await server.app.service('channel-events').find({ query: { channel_id: channelId } }))
      .data
    const one = await http(server.url, 'GET', `/channel-events/${event.id}`, { token: outsider })
    assert.strictEqual(one.status, 404)
    for (const [method, route] of [
      ['POST', '/channel-events'],
      ['PATCH', `/channel-events/${event.id}`],
      ['DELETE', `/channel-events/${event.id}`]
    ]) {
      const refused = await http(server.url, method, route, {
        token: outsider,
        body: method === 'DELETE' ? undefined : {}
      })
      assert.strictEqual(refused.status, 405, `${method} ${route}`)
    }
  })

  it('hides chain links from participants but shows them to admins reading history', async () => {
    const worker = await login(server.url, world.worker)
    const history = await http<Paginated<Message>>(server.url, 'GET', `/messages?channel_id=${channelId}`, {
      token: worker
    })
    assert.ok(
      history.body.data.every((message) => !('hash' in message) && !('deleted_by' in message)),
      history.text
    )
    const supervisor = await socketClient(server.url, world.supervisor)
    const arrived = nextEvent(
      supervisor,
      'messages',
      'created',
      (message) => message.channel_id === channelId
    )
    const byAdmin = await (
      await socketClient(server.url, admin)
    )
      .service('messages')
      .create({ channel_id: channelId, content: 'three' })
    const live = await arrived
    assert.strictEqual(live.id, byAdmin.id)
    assert.ok(
      !('hash' in live) && !('hash' in byAdmin),
      'a new message’s event, which every participant gets, has no link'
    )
    const adminToken = await login(server.url, admin)
    const evidence = await http<Paginated<Message & { hash: string }>>(
      server.url,
      'GET',
      `/messages?channel_id=${channelId}&$withDeleted=true&$sort[seq]=1`,
      { token: adminToken }
    )
    assert.match(evidence.body.data[0].hash, /^[0-9a-f]{64}$/)
    assert.strictEqual(evidence.body.data[1].deleted_by, admin.id)
  })

  it('gives admins, and only them, the signed transcript and the chain’s check', async () => {
    const adminToken = await login(server.url, admin)
    const transcript = await http<Transcript>(server.url, 'GET', `/transcripts/${channelId}`, {
      token: adminToken
    })
    assert.strictEqual(transcript.status, 200, transcript.text)
    assert.deepStrictEqual(
      verifySignature(transcript.body, [trustedKeyFile(keys.publicPath)]).status,
      'verified'
    )
    assert.deepStrictEqual(verifyChain(transcript.body).problems, [])
    assert.strictEqual(transcript.body.messages[1].content, 'two', 'deleted words are in the record')

    const check = await http(server.url, 'GET', `/history-checks/${channelId}`, { token: adminToken })
    assert.deepStrictEqual(check.body, {
      channel_id: channelId,
      valid: true,
      messages: 3,
      events: 9,
      head: transcript.body.channel.chain_head,
      problems: []
    })

    for (const person of [world.worker, await buildUser(server.app)]) {
      const token = await login(server.url, person)
      for (const route of [`/transcripts/${channelId}`, `/history-checks/${channelId}`]) {
        assert.strictEqual((await http(server.url, 'GET', route, { token })).status, 403, route)
      }
    }
    assert.strictEqual(
      (await http(server.url, 'GET', '/transcripts/987654321', { token: adminToken })).status,
      404
    )
    assert.strictEqual(
      (await http(server.url, 'GET', `/transcripts/${channelId}?verbose=1`, { token: adminToken })).status,
      400
    )
    assert.strictEqual(
      (await http(server.url, 'GET', `/history-checks/abc`, { token: adminToken })).status,
      400
    )
  })
})
