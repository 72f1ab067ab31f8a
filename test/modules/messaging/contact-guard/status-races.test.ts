import assert from 'assert'
import { useServer } from '../../../helpers/app'
import { bookingWorld } from '../../../helpers/fixtures'
import { socketClient } from '../../../helpers/clients'

const MASKED = 'call me on [phone number hidden]'

/**
 * The send statement reads the booking's status itself: a status that changes while
 * people send gives each message the policy of one status or the other, with its
 * finding, and the answer shows what that policy shows.
 */
describe('the contact guard while a booking’s status changes', () => {
  const server = useServer({
    contact_guard: {
      policies: { booking: { pending: 'mask', confirmed: 'flag' }, dispute: { open: 'flag' } }
    }
  })

  it('applies exactly one of the two policies to each message sent meanwhile, never none', async () => {
    const world = await bookingWorld(server.app, { booking: { status: 'pending' } })
    const db = server.app.get('postgresqlClient')
    const senders = [
      await socketClient(server.url, world.worker),
      await socketClient(server.url, world.supervisor)
    ]
    const { channel_id } = await senders[0]
      .service('messages')
      .create({ context_type: 'booking', context_id: world.booking.id, content: 'hello' })

    let flipping = true
    const flips = (async () => {
      for (let status = 'confirmed'; flipping; status = status === 'pending' ? 'confirmed' : 'pending') {
        await db('bookings').where({ id: world.booking.id }).update({ status })
      }
    })()
    const phones = Array.from({ length: 40 }, (_, i) => `call me on +44 7700 900${100 + i}`)
    const sent = await Promise.all(
      phones.map((content, i) => senders[i % 2].service('messages').create({ channel_id, content }))
    ).finally(() => (flipping = false))
    await flips

    const findings = await db('chat_contact_findings')
      .whereIn(
        'message_id',
        sent.map((message) => message.id)
      )
      .select('message_id', 'policy')
    const policyOf = new Map(findings.map((finding) => [Number(finding.message_id), finding.policy]))
    assert.strictEqual(findings.length, sent.length, 'one finding per message')
    sent.forEach((message, i) => {
      const policy = policyOf.get(message.id)
      assert.ok(policy === 'flag' || policy === 'mask', `message ${message.id}: ${policy}`)
      assert.strictEqual(message.content, policy === 'mask' ? MASKED : phones[i])
    })
  })
})
