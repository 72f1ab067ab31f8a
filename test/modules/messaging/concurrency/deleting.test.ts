import assert from 'assert'
import { useServer } from '../../../helpers/app'
import { closeClients, socketClient } from '../../../helpers/clients'
import { buildAdmin } from '../../../helpers/factories'
import { bookingChannelWithClients } from '../../../helpers/fixtures'
import { readChannelRecord } from '../../../../src/modules/messaging/evidence/record'
import { inChainOrder } from '../../../../src/modules/messaging/evidence/chain-encoding'
import type { Message } from '../../../../src/client'
import { range, sortedNumbers } from './crowd'

const SENDERS = ['worker', 'supervisor', 'lenderAdmin'] as const
const SENDS_EACH = 20
const EARLIER_EACH = 3

/**
 * Sends and soft deletions race for the same channel lock: each takes the next place in
 * the chain under it. Whatever order they land in, the chain must hold, and each message
 * and each deletion must be in it once, at a time no earlier than the entry before it.
 */
describe('the evidence chain under parallel sends and deletions (real Socket.io clients)', function () {
  this.timeout(120_000)

  const server = useServer()
  afterEach(() => closeClients())

  it('3 senders × 20 parallel sends plus concurrent deletions by senders and an admin give a valid chain', async () => {
    const { channelId, world, clients } = await bookingChannelWithClients(server, { connected: [...SENDERS] })
    const adminUser = await buildAdmin(server.app)
    const admin = await socketClient(server.url, adminUser)

    // Messages from before the burst, which their senders and an admin then delete together
    const earlier: Message[] = []
    for (const role of SENDERS) {
      for (let i = 0; i < EARLIER_EACH; i++) {
        earlier.push(
          await clients[role]
            .service('messages')
            .create({ channel_id: channelId, content: `${role} earlier ${i}` })
        )
      }
    }

    const removals: Array<Promise<Message>> = []
    const deletedDuringBurst: number[] = []
    const sends = SENDERS.flatMap((role) =>
      range(1, SENDS_EACH).map(async (i) => {
        const message = await clients[role]
          .service('messages')
          .create({ channel_id: channelId, content: `${role} #${i}` })
        // Every fifth message is deleted by its sender the moment its send is acknowledged
        if (i % 5 === 0) {
          deletedDuringBurst.push(message.id)
          removals.push(clients[role].service('messages').remove(message.id))
        }
        return message
      })
    )
    // The earlier ones: each by its sender and by the admin at once, while the sends run
    const roleOf = (message: Message) => SENDERS.find((role) => world[role].id === message.sender_id)!
    for (const message of earlier) {
      removals.push(clients[roleOf(message)].service('messages').remove(message.id))
      removals.push(admin.service('messages').remove(message.id))
    }
    const sent = await Promise.all(sends)
    await Promise.all(removals)

    const check = await server.app.service('history-checks').get(channelId)
    assert.deepStrictEqual(check.problems, [])
    assert.strictEqual(check.valid, true)
    const total = SENDERS.length * (EARLIER_EACH + SENDS_EACH)
    assert.strictEqual(check.messages, total)

    const record = (await readChannelRecord(server.app.get('postgresqlClient'), channelId))!
    // Every acknowledged message is in the chain once, at gap-free places
    const acknowledged = [...earlier, ...sent].map((message) => message.id)
    assert.deepStrictEqual(
      sortedNumbers(record.messages.map((message) => message.id)),
      sortedNumbers(acknowledged)
    )
    assert.deepStrictEqual(
      record.messages.map((message) => message.seq),
      range(1, total)
    )

    // Each deletion is chained once, however many callers asked for it, by one who may
    const deleted = [...earlier.map((message) => message.id), ...deletedDuringBurst]
    assert.strictEqual(deletedDuringBurst.length, SENDERS.length * (SENDS_EACH / 5))
    const deletions = record.events.filter((event) => event.kind === 'message.deleted')
    assert.deepStrictEqual(sortedNumbers(deletions.map((event) => event.message_id!)), sortedNumbers(deleted))
    for (const event of deletions) {
      const message = record.messages.find((m) => m.id === event.message_id)!
      assert.ok(message.is_deleted, `message ${message.id} is flagged deleted`)
      assert.ok(
        [message.sender_id, adminUser.id].includes(event.actor_id!),
        `deletion of ${message.id} by its sender or the admin, not ${event.actor_id}`
      )
    }

    // Times never go backwards along the chain (fixed-width UTC text: text order is time order)
    const times = inChainOrder(record.messages, record.events).map((entry) =>
      entry.type === 'message' ? entry.message.created_at : entry.event.created_at
    )
    times.slice(1).forEach((at, i) => assert.ok(at >= times[i], `entry ${i + 2} at ${at} after ${times[i]}`))
    assert.strictEqual(times.length, check.messages + check.events)
  })
})
