import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import type { BookingWorld, TestUser } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import { statementsDuring } from '../../../../helpers/database'

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

describe('sends to one channel committed together (group commit)', () => {
  const server = useServer()
  let world: BookingWorld
  let channelId: number

  beforeEach(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
  })

  const send = (user: TestUser, content: string, clientId?: string) =>
    server.app
      .service('messages')
      .create({ channel_id: channelId, content, ...(clientId && { client_id: clientId }) }, { user })

  it('gives 40 parallel sends seq 1..40 in fewer statements (and transactions) than messages', async () => {
    const senders = [world.worker, world.supervisor, world.borrowerAdmin, world.lenderManager]
    const { result: sent, statements } = await statementsDuring(server.app, () =>
      Promise.all(range(40).map((i) => send(senders[i % senders.length], `parallel ${i}`)))
    )
    assert.deepStrictEqual(
      sent.map((message) => message.seq).sort((a, b) => a - b),
      range(40)
    )
    // Sends that went together are one statement, in a transaction of its own
    const sends = statements.filter((sql) => sql.includes('chat_send_message(')).length
    assert.ok(sends >= 1 && sends < 40, `${sends} statements for 40 sends`)
    assert.ok(!statements.includes('begin'), statements.join('\n'))
  })

  it('refuses only the outsider’s send among parallel ones, and leaves no gap', async () => {
    const calls = range(12).map((i) =>
      i === 6 ? send(world.outsider, 'not mine to send') : send(world.worker, `mine ${i}`)
    )
    const outcomes = await Promise.allSettled(calls)
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected')
    assert.strictEqual(refused.length, 1)
    assert.strictEqual((refused[0] as PromiseRejectedResult).reason.code, 403)
    const seqs = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.seq] : []))
    assert.deepStrictEqual(
      seqs.sort((a, b) => a - b),
      range(11)
    )
  })

  it('stores a client_id sent three times at once once, among other parallel sends, without a gap', async () => {
    const calls = [
      ...range(6).map((i) => send(world.supervisor, `other ${i}`)),
      ...range(3).map(() => send(world.worker, 'sent thrice', 'retry-key')),
      ...range(6).map((i) => send(world.supervisor, `later ${i}`))
    ]
    const sent = await Promise.all(calls)
    const retried = sent.filter((message) => message.content === 'sent thrice')
    assert.strictEqual(new Set(retried.map((message) => message.id)).size, 1)
    const stored = await server.app
      .get('postgresqlClient')('chat_messages')
      .where({ channel_id: channelId })
      .orderBy('seq')
      .select('seq', 'content')
    assert.deepStrictEqual(
      stored.map((row) => row.seq),
      range(13)
    )
    assert.strictEqual(stored.filter((row) => row.content === 'sent thrice').length, 1)
  })
})
