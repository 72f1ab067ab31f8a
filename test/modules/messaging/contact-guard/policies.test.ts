import assert from 'assert'
import { useServer } from '../../../helpers/app'
import { addMember, buildAdmin, buildDispute } from '../../../helpers/factories'
import { bookingWorld } from '../../../helpers/fixtures'
import type { BookingWorld, TestUser } from '../../../helpers/factories'
import { http, login, nextEvent, socketClient, waitUntil } from '../../../helpers/clients'
import { BLOCKED_SENTENCE } from '../../../../src/modules/messaging/contact-guard/policy'
import type { Paginated } from '@feathersjs/feathers'
import type {
  ChannelView,
  ClientApplication,
  ContactFinding,
  HistoryCheck,
  Message
} from '../../../../src/client'
import type { ErrorBody } from '../../../helpers/clients'

const PHONE = 'call me on zero seven seven zero zero, 900 123 after 18:00'
const MASKED = 'call me on [phone number hidden] after 18:00'

// A channel whose last message still has its words
type ChannelWithWords = ChannelView & {
  last_message: Extract<ChannelView['last_message'], { content: string }>
}

describe('the contact-details guard over REST and Socket.io', () => {
  const server = useServer({
    contact_guard: {
      policies: {
        booking: { pending: 'mask', confirmed: 'block', in_progress: 'flag' },
        dispute: { open: 'flag' }
      }
    }
  })
  let world: BookingWorld
  let admin: TestUser
  let channelId: number
  let worker: ClientApplication
  let supervisor: ClientApplication
  let adminClient: ClientApplication

  before(async () => {
    world = await bookingWorld(server.app, { booking: { status: 'pending' } })
    // A platform admin who also manages the lender company, so is a participant and hears the channel
    admin = await buildAdmin(server.app)
    await addMember(server.app, world.lenderCompanyId, admin.id, 'manager')
    worker = await socketClient(server.url, world.worker)
    supervisor = await socketClient(server.url, world.supervisor)
    adminClient = await socketClient(server.url, admin)
    const first = await worker
      .service('messages')
      .create({ context_type: 'booking', context_id: world.booking.id, content: 'hello there' })
    channelId = first.channel_id
    // the admin's connection joined at login, before the channel existed: a new login joins it
    adminClient = await socketClient(server.url, admin)
    supervisor = await socketClient(server.url, world.supervisor)
  })

  it('masks a pending booking’s message for participants in the answer and the live event, and shows the admin the original', async () => {
    const toSupervisor = nextEvent(supervisor, 'messages', 'created', (m) => m.channel_id === channelId)
    const toAdmin = nextEvent(adminClient, 'messages', 'created', (m) => m.channel_id === channelId)
    const sent = await worker.service('messages').create({ channel_id: channelId, content: PHONE })
    assert.strictEqual(sent.content, MASKED)
    assert.ok(!('masked_content' in sent), JSON.stringify(sent))
    assert.strictEqual((await toSupervisor).content, MASKED)
    const adminEvent = await toAdmin
    assert.strictEqual(adminEvent.content, PHONE)
    assert.ok(!('masked_content' in adminEvent))

    const workerToken = await login(server.url, world.worker)
    const history = await http<Paginated<Message>>(
      server.url,
      'GET',
      `/messages?channel_id=${channelId}&$sort[seq]=1`,
      {
        token: workerToken
      }
    )
    assert.strictEqual(history.body.data.at(-1)!.content, MASKED)
    assert.ok(!history.text.includes('900 123'), history.text)
    const got = await http<Message>(server.url, 'GET', `/messages/${sent.id}`, { token: workerToken })
    assert.strictEqual(got.body.content, MASKED)
    const channels = await http<ChannelWithWords>(server.url, 'GET', `/channels/${channelId}`, {
      token: workerToken
    })
    assert.strictEqual(channels.body.last_message.content, MASKED)

    const adminToken = await login(server.url, admin)
    const adminHistory = await http<Message>(server.url, 'GET', `/messages/${sent.id}`, { token: adminToken })
    assert.strictEqual(adminHistory.body.content, PHONE)
    const adminChannel = await http<ChannelWithWords>(server.url, 'GET', `/channels/${channelId}`, {
      token: adminToken
    })
    assert.strictEqual(adminChannel.body.last_message.content, PHONE)

    // the record is what was sent, and the chain over it still holds
    const stored = await server.app.get('postgresqlClient')('chat_messages').where({ id: sent.id }).first()
    assert.strictEqual(stored.content, PHONE)
    const check = await http<HistoryCheck>(server.url, 'GET', `/history-checks/${channelId}`, {
      token: adminToken
    })
    assert.strictEqual(check.body.valid, true, JSON.stringify(check.body.problems))

    const findings = await adminClient.service('contact-findings').find({ query: { message_id: sent.id } })
    assert.strictEqual(findings.total, 1)
    assert.strictEqual(findings.data[0].policy, 'mask')
    assert.deepStrictEqual(findings.data[0].kinds, ['phone'])
  })

  it('a masked message is not found by a participant’s search, so prefixes cannot spell its number out; an admin finds it', async () => {
    const sent = await worker.service('messages').create({ channel_id: channelId, content: PHONE })
    assert.strictEqual(sent.content, MASKED)
    for (const words of ['900 12', '900 123', 'call me after']) {
      const search = `/messages?channel_id=${channelId}&$search=${encodeURIComponent(words)}`
      const workerFound = await http<Paginated<Message>>(server.url, 'GET', search, {
        token: await login(server.url, world.worker)
      })
      assert.strictEqual(workerFound.status, 200, workerFound.text)
      assert.ok(!workerFound.body.data.some((m: { id: number }) => m.id === sent.id), words)
      assert.ok(!workerFound.text.includes('900'), workerFound.text)
      const adminFound = await http<Paginated<Message>>(server.url, 'GET', search, {
        token: await login(server.url, admin)
      })
      assert.ok(
        adminFound.body.data.some((m: { id: number }) => m.id === sent.id),
        `${words}: ${adminFound.text}`
      )
    }
  })

  it('announces a masked message to notification listeners with the masked preview', async () => {
    const events = server.app.get('events')
    const previews: string[] = []
    const stop = events.on('chat.message.created', (event) => {
      if (event.channel_id === channelId) previews.push(event.message_preview)
    })
    try {
      await worker.service('messages').create({ channel_id: channelId, content: 'or t.me/jonny_b' })
      await waitUntil(() => previews.length > 0, 'the announcement')
      assert.deepStrictEqual(previews, ['or [contact handle hidden]'])
    } finally {
      stop()
    }
  })

  it('an idempotent retry answers the masked text too, and a message without details is untouched', async () => {
    const first = await worker
      .service('messages')
      .create({ channel_id: channelId, content: 'write to anna at gmail dot com', client_id: 'retry-1' })
    const again = await worker
      .service('messages')
      .create({ channel_id: channelId, content: 'write to anna at gmail dot com', client_id: 'retry-1' })
    assert.strictEqual(first.content, 'write to [e-mail address hidden]')
    assert.strictEqual(again.id, first.id)
    assert.strictEqual(again.content, 'write to [e-mail address hidden]')
    const plain = await worker
      .service('messages')
      .create({ channel_id: channelId, content: 'Booking #4521: 6:30 start, €120 per shift' })
    assert.strictEqual(plain.content, 'Booking #4521: 6:30 start, €120 per shift')
  })

  it('blocks with 400 and a plain sentence where the context says block, and stores nothing', async () => {
    const confirmed = await bookingWorld(server.app, { booking: { status: 'confirmed' } })
    const token = await login(server.url, confirmed.worker)
    const opened = await http<Message>(server.url, 'POST', '/messages', {
      token,
      body: { context_type: 'booking', context_id: confirmed.booking.id, content: 'see you Monday' }
    })
    assert.strictEqual(opened.status, 201)
    const refused = await http<ErrorBody>(server.url, 'POST', '/messages', {
      token,
      body: { channel_id: opened.body.channel_id, content: 'add me on insta: @maria.k' }
    })
    assert.strictEqual(refused.status, 400)
    assert.strictEqual(refused.body.message, BLOCKED_SENTENCE)
    const history = await http<Paginated<Message>>(
      server.url,
      'GET',
      `/messages?channel_id=${opened.body.channel_id}`,
      { token }
    )
    assert.strictEqual(history.body.total, 1)

    const socket = await socketClient(server.url, confirmed.worker)
    await assert.rejects(
      socket
        .service('messages')
        .create({ channel_id: opened.body.channel_id, content: 'wa.me/447700900123' }),
      (error: any) => error.code === 400 && error.message === BLOCKED_SENTENCE
    )
  })

  it('an outsider sending details to a blocking channel is refused as an outsider (403), learning nothing', async () => {
    const confirmed = await bookingWorld(server.app, { booking: { status: 'confirmed' } })
    const opened = await server.app
      .service('messages')
      .create(
        { context_type: 'booking', context_id: confirmed.booking.id, content: 'hi' },
        { user: confirmed.worker }
      )
    const token = await login(server.url, confirmed.outsider)
    const refused = await http(server.url, 'POST', '/messages', {
      token,
      body: { channel_id: opened.channel_id, content: 'call 07700 900123' }
    })
    assert.strictEqual(refused.status, 403)
  })

  it('flags in a dispute: delivered as sent, a finding admins list and resolve, others cannot see', async () => {
    const dispute = await buildDispute(server.app, world.booking.id, [world.worker.id, world.supervisor.id])
    const token = await login(server.url, world.worker)
    const sent = await http<Message>(server.url, 'POST', '/messages', {
      token,
      body: { context_type: 'dispute', context_id: dispute.id, content: 'text me: +44 7700 900123' }
    })
    assert.strictEqual(sent.status, 201, sent.text)
    assert.strictEqual(sent.body.content, 'text me: +44 7700 900123')

    const adminToken = await login(server.url, admin)
    const listed = await http<Paginated<ContactFinding>>(
      server.url,
      'GET',
      `/contact-findings?message_id=${sent.body.id}`,
      {
        token: adminToken
      }
    )
    assert.strictEqual(listed.status, 200)
    assert.strictEqual(listed.body.total, 1)
    const finding = listed.body.data[0]
    assert.strictEqual(finding.policy, 'flag')
    assert.deepStrictEqual(finding.spans, [{ kind: 'phone', start: 9, end: 24 }])

    assert.strictEqual((await http(server.url, 'GET', '/contact-findings', { token })).status, 403)
    assert.strictEqual(
      (await http(server.url, 'GET', `/contact-findings/${finding.id}`, { token })).status,
      403
    )
    const notAllowed = await http(server.url, 'PATCH', `/contact-findings/${finding.id}`, {
      token,
      body: { resolved: true }
    })
    assert.strictEqual(notAllowed.status, 403)
    assert.strictEqual(
      (await http(server.url, 'DELETE', `/contact-findings/${finding.id}`, { token: adminToken })).status,
      405
    )
    assert.strictEqual(
      (await http(server.url, 'POST', '/contact-findings', { token: adminToken, body: {} })).status,
      405
    )
    const junk = await http(server.url, 'PATCH', `/contact-findings/${finding.id}`, {
      token: adminToken,
      body: { resolved: false, policy: 'mask' }
    })
    assert.strictEqual(junk.status, 400)

    const resolved = await http<ContactFinding>(server.url, 'PATCH', `/contact-findings/${finding.id}`, {
      token: adminToken,
      body: { resolved: true, resolution: 'reminded the worker of the terms' }
    })
    assert.strictEqual(resolved.status, 200)
    assert.strictEqual(resolved.body.resolved_by, admin.id)
    assert.ok(resolved.body.resolved_at)
    const open = await http<Paginated<ContactFinding>>(
      server.url,
      'GET',
      `/contact-findings?resolved=false&message_id=${sent.body.id}`,
      {
        token: adminToken
      }
    )
    assert.strictEqual(open.body.total, 0)
    assert.strictEqual(
      (await http(server.url, 'GET', '/contact-findings/999999999', { token: adminToken })).status,
      404
    )
  })

  it('counts findings by kind and policy in the metrics', async () => {
    const metrics = await fetch(`${server.url}/metrics`).then((response) => response.text())
    assert.match(metrics, /chat_contact_details_found_total\{kind="phone",policy="mask"\} [1-9]/)
    assert.match(metrics, /chat_contact_details_found_total\{kind="social",policy="block"\} [1-9]/)
    assert.match(metrics, /chat_contact_details_found_total\{kind="phone",policy="flag"\} [1-9]/)
  })
})
