import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import type { BookingWorld } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'

// The send statement: the database's send function inserts the row
const isSend = (sql: string) => sql.includes('chat_send_message(')
const isBarrier = (sql: string) => sql.includes('pg_logical_emit_message')

describe('a send is answered once it is on disk (flush barrier)', () => {
  const server = useServer()
  let world: BookingWorld
  let channelId: number

  before(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
  })

  /** What happened, in order: statements started, statements finished, answers. */
  async function timeline(work: (note: (what: string) => void) => Promise<unknown>) {
    const db = server.app.get('postgresqlClient')
    const events: string[] = []
    const started = ({ sql }: { sql: string }) =>
      events.push(isSend(sql) ? 'send' : isBarrier(sql) ? 'barrier' : 'other')
    const finished = (_response: unknown, { sql }: { sql: string }) =>
      isBarrier(sql) && events.push('barrier done')
    db.on('query', started).on('query-response', finished)
    try {
      await work((what) => events.push(what))
    } finally {
      db.off('query', started).off('query-response', finished)
    }
    return events
  }

  it('commits the send without waiting for the disk, and answers only after a flush that follows it', async () => {
    const events = await timeline(async (note) => {
      await server.app
        .service('messages')
        .create({ channel_id: channelId, content: 'durable' }, { user: world.worker })
      note('answered')
    })
    assert.deepStrictEqual(events, ['send', 'barrier', 'barrier done', 'answered'])
    const [{ setting }] = (
      await server.app.get('postgresqlClient').raw(`select current_setting('synchronous_commit') as setting`)
    ).rows
    assert.strictEqual(setting, 'on', 'only the send’s own transaction commits without waiting')
  })

  it('lets parallel sends share flushes, and answers the last only after a flush that began after it', async () => {
    const senders = [world.worker, world.supervisor, world.lenderAdmin]
    const events = await timeline((note) =>
      Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          server.app
            .service('messages')
            .create(
              { channel_id: channelId, content: `parallel ${i}` },
              { user: senders[i % senders.length] }
            )
            .then(() => note('answered'))
        )
      )
    )
    const barriers = events.filter((event) => event === 'barrier').length
    assert.ok(barriers >= 1 && barriers < 30, `${barriers} flushes for 30 sends`)
    // The last send to commit is answered only after a flush that began after it
    const lastSend = events.lastIndexOf('send')
    const flushAfter = events.indexOf('barrier', lastSend)
    assert.ok(flushAfter > lastSend, `a flush after the last send: ${events}`)
    assert.ok(events.indexOf('barrier done', flushAfter) < events.lastIndexOf('answered'), `${events}`)
  })
})
