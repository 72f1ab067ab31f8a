import assert from 'assert'
import { useServer } from '../../../helpers/app'
import { buildDispute } from '../../../helpers/factories'
import { bookingWorld } from '../../../helpers/fixtures'
import type { BookingWorld } from '../../../helpers/factories'
import { http, login, socketClient } from '../../../helpers/clients'
import { statementsDuring } from '../../../helpers/database'
import type { ClientApplication, Message } from '../../../../src/client'
import type { Paginated } from '@feathersjs/feathers'

const PHONE = 'text me: +44 7700 900123'
const MASKED = 'text me: [phone number hidden]'

const findingReads = (statements: string[]) =>
  statements.filter((sql) => sql.includes('chat_contact_findings')).length

/**
 * A participant's read looks masked texts up only where something can be masked: a
 * context type with a masking status. Bookings mask here, disputes only flag. A send
 * with a detail reads its context's status and records its finding in the send itself.
 */
describe('what the contact guard reads', () => {
  const server = useServer({
    contact_guard: {
      policies: { booking: { pending: 'mask', confirmed: 'flag' }, dispute: { open: 'flag' } }
    }
  })
  let world: BookingWorld
  let worker: ClientApplication
  let disputeChannelId: number
  let disputeMessageId: number
  let bookingChannelId: number
  let bookingMessageId: number

  before(async () => {
    world = await bookingWorld(server.app, { booking: { status: 'pending' } })
    worker = await socketClient(server.url, world.worker)
    const dispute = await buildDispute(server.app, world.booking.id, [world.worker.id, world.supervisor.id])
    const flagged = await worker
      .service('messages')
      .create({ context_type: 'dispute', context_id: dispute.id, content: PHONE })
    disputeChannelId = flagged.channel_id
    disputeMessageId = flagged.id
    const masked = await worker
      .service('messages')
      .create({ context_type: 'booking', context_id: world.booking.id, content: PHONE })
    bookingChannelId = masked.channel_id
    bookingMessageId = masked.id
    assert.strictEqual(masked.content, MASKED)
  })

  it('a participant’s find and get of a dispute’s messages over Socket.io and REST read no findings', async () => {
    const supervisor = await socketClient(server.url, world.supervisor)
    const token = await login(server.url, world.supervisor)
    const { result, statements } = await statementsDuring(server.app, async () => ({
      page: await supervisor.service('messages').find({ query: { channel_id: disputeChannelId } }),
      one: await supervisor.service('messages').get(disputeMessageId),
      rest: await http<Paginated<Message>>(server.url, 'GET', `/messages?channel_id=${disputeChannelId}`, {
        token
      }),
      restOne: await http<Message>(server.url, 'GET', `/messages/${disputeMessageId}`, { token })
    }))
    assert.ok(
      statements.some((sql) => sql.includes('chat_messages')),
      'the reads were captured'
    )
    assert.strictEqual(findingReads(statements), 0, statements.join('\n'))
    assert.strictEqual(result.page.data[0].content, PHONE)
    assert.strictEqual(result.one.content, PHONE)
    assert.strictEqual(result.rest.body.data[0].content, PHONE)
    assert.strictEqual(result.restOne.body.content, PHONE)
  })

  it('a booking’s messages are still masked for a participant, page and single message, which reads findings', async () => {
    const supervisor = await socketClient(server.url, world.supervisor)
    const { result, statements } = await statementsDuring(server.app, async () => ({
      page: await supervisor.service('messages').find({ query: { channel_id: bookingChannelId } }),
      one: await supervisor.service('messages').get(bookingMessageId)
    }))
    assert.strictEqual(findingReads(statements), 2, statements.join('\n'))
    assert.strictEqual(result.page.data[0].content, MASKED)
    assert.strictEqual(result.one.content, MASKED)
  })

  it('a search across both channels still masks the booking’s message', async () => {
    const token = await login(server.url, world.supervisor)
    const found = await http<Paginated<{ id: number; content: string }>>(
      server.url,
      'GET',
      `/messages?$search=${encodeURIComponent('text me')}`,
      {
        token
      }
    )
    assert.strictEqual(found.status, 200, found.text)
    const byId = new Map(found.body.data.map((m: { id: number; content: string }) => [m.id, m.content]))
    assert.strictEqual(byId.get(disputeMessageId), PHONE)
    assert.notStrictEqual(byId.get(bookingMessageId), PHONE)
  })

  it('a flagged send makes the round trips of a plain send: the status read and the finding are in the send statement', async () => {
    const send = (content: string) =>
      worker.service('messages').create({ channel_id: disputeChannelId, content })
    await send('warming up')
    const plain = await statementsDuring(server.app, () => send('see you at nine'))
    const flagged = await statementsDuring(server.app, () => send(PHONE))
    assert.strictEqual(flagged.result.content, PHONE)
    assert.deepStrictEqual(flagged.statements, plain.statements, flagged.statements.join('\n'))
    const finding = await server.app
      .get('postgresqlClient')('chat_contact_findings')
      .where({ message_id: flagged.result.id })
      .first('policy', 'kinds')
    assert.deepStrictEqual(finding, { policy: 'flag', kinds: ['phone'] })
    const none = await server.app
      .get('postgresqlClient')('chat_contact_findings')
      .where({ message_id: plain.result.id })
      .first()
    assert.strictEqual(none, undefined)
  })
})
