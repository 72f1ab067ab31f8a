import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import type { BookingWorld, TestUser } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import { statementsDuring } from '../../../../helpers/database'
import { MessageSends } from '../../../../../src/modules/messaging/services/messages/message-sends'
import type { SendValues } from '../../../../../src/modules/messaging/services/messages/message-sends'
import { guardParameter } from '../../../../../src/modules/messaging/contact-guard/send-guard'

const isSend = (sql: string) => sql.includes('chat_send_message(')
const PHONE = 'call +44 7700 900123'
// Other parts of the app (the notification scheduler) may run statements meanwhile
const assertTwoSendStatements = (statements: string[]) => {
  assert.strictEqual(statements.filter(isSend).length, 2, statements.join('\n'))
  assert.ok(!statements.includes('begin'), statements.join('\n'))
}
const flagged = guardParameter({ details: [{ kind: 'phone', start: 5, end: 20 }], policy: 'flag' })

/**
 * The sends that queue behind one under way on their channel reach PostgreSQL as one
 * statement (one round trip), and each still gets what it would get alone.
 */
describe('sends that queue on one channel go as one statement', () => {
  const server = useServer()
  let world: BookingWorld
  let channelId: number
  let sends: MessageSends

  beforeEach(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
    sends = new MessageSends(
      () => server.app.get('postgresqlClient'),
      () => undefined
    )
  })

  const item = (sender: TestUser, content: string, extra: Partial<SendValues> = {}): SendValues => ({
    channelId,
    senderId: sender.id,
    content,
    clientId: null,
    contactGuard: null,
    ...extra
  })

  /** One send goes at once, alone; the rest, submitted while it is under way, queue behind it. */
  const submitTogether = (items: SendValues[]) =>
    Promise.allSettled(items.map((values) => sends.submit(channelId, values)))

  const sentSeqs = (outcomes: Array<PromiseSettledResult<{ seq: number } | undefined>>) =>
    outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value?.seq : 'rejected'))

  it('sends eleven queued sends in one statement, their seqs in the order they were submitted', async () => {
    const senders = [world.worker, world.supervisor, world.borrowerAdmin, world.lenderManager]
    // One with half of a surrogate pair, which JSON escapes and jsonb refuses: still in the batch
    const items = Array.from({ length: 12 }, (_, i) =>
      item(senders[i % senders.length], `message ${i + 1}${i === 6 ? ' \ud83d' : ''}`)
    )
    const { result: outcomes, statements } = await statementsDuring(server.app, () => submitTogether(items))
    assert.deepStrictEqual(
      sentSeqs(outcomes),
      Array.from({ length: 12 }, (_, i) => i + 1)
    )
    assert.deepStrictEqual(
      outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value?.content : undefined)),
      items.map((values) => values.content.replace('\ud83d', '\ufffd'))
    )
    // The first alone, the other eleven together: no begin, no commit, no statement per send
    assertTwoSendStatements(statements)
    const participants: number[] = await server.app
      .get('postgresqlClient')('chat_participants')
      .where({ channel_id: channelId })
      .whereNull('removed_at')
      .pluck('user_id')
    const recipientsOf = (i: number) =>
      [...((outcomes[i] as PromiseFulfilledResult<{ recipient_ids: number[] }>).value.recipient_ids ?? [])]
        .map(Number)
        .sort((a, b) => a - b)
    for (const i of [0, 5]) {
      assert.deepStrictEqual(
        recipientsOf(i),
        participants
          .map(Number)
          .filter((id) => id !== items[i].senderId)
          .sort((a, b) => a - b)
      )
    }
    // Each sender has read up to their own last message of the batch
    const positions = await server.app
      .get('postgresqlClient')('chat_participants')
      .where({ channel_id: channelId })
      .whereIn(
        'user_id',
        senders.map((sender) => sender.id)
      )
      .select('user_id', 'last_read_seq')
    assert.deepStrictEqual(
      Object.fromEntries(positions.map((row) => [row.user_id, Number(row.last_read_seq)])),
      Object.fromEntries(senders.map((sender, i) => [sender.id, 9 + i]))
    )
  })

  it('answers nothing for a refused sender in the middle of a batch and leaves no gap', async () => {
    const items = [1, 2, 3, 4, 5].map((i) =>
      i === 3 ? item(world.outsider, 'not mine to send') : item(world.worker, `mine ${i}`)
    )
    const { result: outcomes, statements } = await statementsDuring(server.app, () => submitTogether(items))
    assert.deepStrictEqual(sentSeqs(outcomes), [1, 2, undefined, 3, 4])
    assertTwoSendStatements(statements)
  })

  it('applies each send’s own guard request in the batch: a finding and a policy for those that ask', async () => {
    const items = [
      item(world.worker, 'first'),
      item(world.worker, PHONE, { contactGuard: flagged }),
      item(world.supervisor, 'plain'),
      item(world.supervisor, PHONE, { contactGuard: flagged })
    ]
    const outcomes = await submitTogether(items)
    const rows = outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined))
    assert.deepStrictEqual(
      rows.map((row) => row?.contact_policy),
      [null, 'flag', null, 'flag']
    )
    const findings = await server.app
      .get('postgresqlClient')('chat_contact_findings')
      .where({ channel_id: channelId })
      .orderBy('message_id')
      .select('message_id', 'policy', 'kinds')
    assert.deepStrictEqual(findings, [
      { message_id: rows[1]?.id, policy: 'flag', kinds: ['phone'] },
      { message_id: rows[3]?.id, policy: 'flag', kinds: ['phone'] }
    ])
  })

  it('waits for the disk in a statement with nobody behind it, and not in one with sends queued behind', async () => {
    // The first goes alone with nothing queued; 59 queue behind it: 50 (the most a batch
    // holds) with 9 still behind them, then those 9 with nobody behind
    const db = server.app.get('postgresqlClient')
    const commits: unknown[] = []
    const listener = ({ sql, bindings }: { sql: string; bindings?: unknown[] }) => {
      if (isSend(sql)) commits.push(bindings?.find((value) => value === 'on' || value === 'off'))
    }
    db.on('query', listener)
    let outcomes: Awaited<ReturnType<typeof submitTogether>>
    try {
      outcomes = await submitTogether(Array.from({ length: 60 }, (_, i) => item(world.worker, `queued ${i}`)))
    } finally {
      db.off('query', listener)
    }
    assert.deepStrictEqual(commits, ['on', 'off', 'on'])
    assert.deepStrictEqual(
      outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value?.on_disk : 'rejected')),
      [true, ...Array(50).fill(false), ...Array(9).fill(true)]
    )
    assert.deepStrictEqual(
      sentSeqs(outcomes),
      Array.from({ length: 60 }, (_, i) => i + 1)
    )
  })

  it('fails only the second of a client_id sent twice in one batch, the others sent alone in order', async () => {
    const items = [
      item(world.worker, 'goes first'),
      item(world.supervisor, 'before'),
      item(world.worker, 'once', { clientId: 'twice-in-a-batch' }),
      item(world.worker, 'once', { clientId: 'twice-in-a-batch' }),
      item(world.supervisor, 'after')
    ]
    const outcomes = await submitTogether(items)
    assert.deepStrictEqual(sentSeqs(outcomes), [1, 2, 3, 'rejected', 4])
    const rejected = outcomes[3] as PromiseRejectedResult
    assert.strictEqual(rejected.reason.constraint, 'chat_messages_client_id_unique')
  })
})
