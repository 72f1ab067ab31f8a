import assert from 'assert'
import knex from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { migrate } from '../../src/database/migrate'
import { startApp } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import { bookingChannel } from '../helpers/fixtures'
import { privatePostgres } from '../helpers/private-postgres'

describe('acknowledged messages across a PostgreSQL crash', function () {
  this.timeout(60_000)
  let postgres: Awaited<ReturnType<typeof privatePostgres>>
  let server: TestServer | undefined

  before(async () => {
    // The WAL writer waits long, so what only sits in its buffers at the crash is lost
    postgres = await privatePostgres(['wal_writer_delay=10000', 'fsync=on', 'synchronous_commit=on'])
    const admin = knex({ client: 'pg', connection: postgres.url(), pool: { min: 0, max: 1 } })
    await admin.raw('create database chat')
    await admin.destroy()
    const db = createKnex({ url: postgres.url('chat'), dataDir: '', pool: { min: 0, max: 2 } })
    await migrate(db)
    await db.destroy()
  })
  after(async () => {
    await server?.close().catch(() => undefined)
    postgres?.remove()
  })

  it('keeps every message whose send was answered, whether its statement waited for the disk or a barrier after it', async () => {
    server = await startApp({
      database: { url: postgres.url('chat'), dataDir: '', pool: { min: 0, max: 10 } }
    })
    const { world, channelId } = await bookingChannel(server.app)
    const senders = [world.worker, world.supervisor, world.lenderAdmin]
    const answered: number[] = []
    const sends = Array.from({ length: 60 }, (_, i) =>
      server!.app
        .service('messages')
        .create(
          { channel_id: channelId, content: `before the crash ${i}` },
          { user: senders[i % senders.length] }
        )
        .then((message) => void answered.push(message.seq))
        .catch(() => undefined)
    )
    await Promise.all(sends.slice(0, 40))
    postgres.crash()
    await Promise.all(sends)
    assert.ok(answered.length >= 40, `${answered.length} sends answered before the crash`)

    postgres.start()
    const db = createKnex({ url: postgres.url('chat'), dataDir: '', pool: { min: 0, max: 1 } })
    try {
      const stored = (await db('chat_messages').where({ channel_id: channelId }).pluck('seq')).map(Number)
      const lost = answered.filter((seq) => !stored.includes(seq))
      assert.deepStrictEqual(lost, [], `answered but gone after the crash: ${lost}`)
    } finally {
      await db.destroy()
    }
  })
})
