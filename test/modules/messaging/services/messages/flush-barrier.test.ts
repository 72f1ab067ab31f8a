import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import type { BookingWorld } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'

// The send statements: the database's send function inserts the rows
const isSend = (sql: string) => sql.includes('chat_send_message(')
const isBarrier = (sql: string) => sql.includes('pg_logical_emit_message')
const commitOf = (bindings: unknown[] = []) => bindings.find((value) => value === 'on' || value === 'off')

/**
 * A send is answered only once it is on disk: a statement with nobody queued behind it
 * commits synchronously; one with sends queued behind it commits without waiting for
 * the disk, and its sends are answered after a flush barrier that began after it ended.
 */
describe('a send is answered once it is on disk (synchronous commit or flush barrier)', () => {
  const server = useServer()
  let world: BookingWorld
  let channelId: number

  before(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
  })

  type Event =
    | { what: 'send'; commit: unknown; index: number }
    | { what: 'send done'; seqs: number[]; index: number }
    | { what: 'barrier' | 'barrier done' | 'answered'; seq?: number }

  /** What happened, in order: statements started and finished, and answers. */
  async function timeline(work: (note: (event: Event) => void) => Promise<unknown>) {
    const db = server.app.get('postgresqlClient')
    const events: Event[] = []
    let sends = 0
    const started = ({ sql, bindings }: { sql: string; bindings?: unknown[] }) => {
      if (isSend(sql)) events.push({ what: 'send', commit: commitOf(bindings), index: sends++ })
      else if (isBarrier(sql)) events.push({ what: 'barrier' })
    }
    const finished = (rows: Array<{ seq: number }>, { sql }: { sql: string }) => {
      if (isBarrier(sql)) events.push({ what: 'barrier done' })
      else if (isSend(sql)) {
        const index = events.filter((event) => event.what === 'send done').length
        events.push({ what: 'send done', seqs: rows.map((row) => Number(row.seq)), index })
      }
    }
    db.on('query', started).on('query-response', finished)
    try {
      await work((event) => events.push(event))
    } finally {
      db.off('query', started).off('query-response', finished)
    }
    return events
  }

  it('commits a lone send synchronously, in one round trip and with no barrier', async () => {
    const events = await timeline(async (note) => {
      await server.app
        .service('messages')
        .create({ channel_id: channelId, content: 'durable' }, { user: world.worker })
      note({ what: 'answered' })
    })
    assert.deepStrictEqual(
      events.map((event) => (event.what === 'send' ? `send ${event.commit}` : event.what)),
      ['send on', 'send done', 'answered']
    )
    const [{ setting }] = (
      await server.app.get('postgresqlClient').raw(`select current_setting('synchronous_commit') as setting`)
    ).rows
    assert.strictEqual(setting, 'on', 'only the statement’s own transaction chooses how it commits')
  })

  it('answers a send that committed without waiting only after a barrier that began after it', async () => {
    const senders = [world.worker, world.supervisor, world.lenderAdmin]
    const events = await timeline((note) =>
      Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          server.app
            .service('messages')
            .create(
              { channel_id: channelId, content: `parallel ${i}` },
              { user: senders[i % senders.length] }
            )
            .then((message) => note({ what: 'answered', seq: Number(message.seq) }))
        )
      )
    )
    const sendsDone = events.flatMap((event, at) => (event.what === 'send done' ? [{ ...event, at }] : []))
    const commits = events.flatMap((event) => (event.what === 'send' ? [event.commit] : []))
    const withoutWaiting = sendsDone.filter((done) => commits[done.index] === 'off')
    assert.ok(withoutWaiting.length >= 1, `some statements had sends behind them: ${commits}`)
    for (const done of withoutWaiting) {
      const barrier = events.findIndex((event, at) => at > done.at && event.what === 'barrier')
      const barrierDone = events.findIndex((event, at) => at > barrier && event.what === 'barrier done')
      assert.ok(barrier > done.at, `a barrier begun after the statement that sent ${done.seqs}`)
      for (const seq of done.seqs) {
        const answered = events.findIndex((event) => event.what === 'answered' && event.seq === seq)
        assert.ok(answered > barrierDone, `seq ${seq} answered after the barrier that followed its commit`)
      }
    }
    const barriers = events.filter((event) => event.what === 'barrier').length
    assert.ok(
      barriers <= 2 * withoutWaiting.length,
      `${barriers} barriers for ${withoutWaiting.length} statements`
    )
    assert.strictEqual(events.filter((event) => event.what === 'answered').length, 120)
  })
})
