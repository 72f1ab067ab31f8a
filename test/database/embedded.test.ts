import assert from 'assert'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { once } from 'events'
import type { Server } from 'http'
import type { AddressInfo } from 'net'
import { createApp } from '../../src/app'
import { migrate } from '../../src/database/migrate'
import { isEmbedded } from '../../src/database/postgresql'
import { stopServing } from '../../src/http/shutdown'
import type { Application } from '../../src/declarations'
import type { MessageSearchPage } from '../../src/modules/messaging/services/messages/search'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import { closeClients, nextEvent, socketClient } from '../helpers/clients'

// The same app, migrations and SQL on the embedded PostgreSQL (PGlite) that `npm start`
// uses on a bare machine, persisted in a throwaway directory.
describe('the app on the embedded database (PGlite)', function () {
  this.timeout(60_000)

  let dataDir: string
  let app: Application
  let server: Server | undefined
  let url: string
  let world: BookingWorld
  // The booking's channel, opened once: opening it again would give the same channel
  let channel: Awaited<ReturnType<typeof bookingChannel>>['channel']

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-embedded-'))
    app = createApp({ database: { url: null, dataDir, pool: { min: 0, max: 1 } } })
    const applied = await migrate(app.get('postgresqlClient'))
    assert.ok(applied.length > 0, 'a fresh embedded database gets every migration')
    server = await app.listen(0, '127.0.0.1')
    if (!server.listening) await once(server, 'listening')
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    ;({ world, channel } = await bookingChannel(app))
  })

  after(async () => {
    closeClients()
    if (server) await stopServing(app, server)
    else await app?.get('postgresqlClient').destroy()
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('really runs on PGlite, persisted under the configured data directory', () => {
    assert.strictEqual(isEmbedded(app.get('postgresqlClient')), true)
    assert.ok(fs.readdirSync(dataDir).length > 0, 'PGlite wrote its files into dataDir')
  })

  it('delivers a message live between two socket clients and keeps it in history with numeric ids', async () => {
    assert.strictEqual(typeof channel.id, 'number')

    const worker = await socketClient(url, world.worker)
    const supervisor = await socketClient(url, world.supervisor)
    const arrived = nextEvent(
      supervisor,
      'messages',
      'created',
      (message) => message.channel_id === channel.id
    )

    const sent = await worker
      .service('messages')
      .create({ channel_id: channel.id, content: 'Hello from PGlite' })
    assert.strictEqual(sent.seq, 1)
    assert.strictEqual(sent.sender_id, world.worker.id)
    assert.strictEqual(sent.content, 'Hello from PGlite')
    assert.deepStrictEqual(await arrived, sent)

    const history = await supervisor.service('messages').find({ query: { channel_id: channel.id } })
    assert.strictEqual(history.total, 1)
    const [stored] = history.data
    assert.deepStrictEqual(stored, sent)
    assert.strictEqual(stored.seq, 1)
    // The same shape as on pg: bigint ids as numbers, timestamps as ISO strings
    assert.strictEqual(typeof stored.id, 'number')
    assert.strictEqual(typeof stored.channel_id, 'number')
    assert.strictEqual(typeof stored.sender_id, 'number')
    assert.strictEqual(typeof stored.seq, 'number')
    assert.strictEqual(typeof stored.created_at, 'string')
    assert.strictEqual(new Date(stored.created_at).toISOString(), stored.created_at)
  })

  it('refuses a raw UPDATE of a message’s content at the database (append-only trigger)', async () => {
    const db = app.get('postgresqlClient')
    const message = await app
      .service('messages')
      .create(
        { context_type: 'booking', context_id: world.booking.id, content: 'Evidence' },
        { user: world.worker }
      )

    await assert.rejects(
      db.raw('update chat_messages set content = ? where id = ?', ['Rewritten', message.id]),
      /immutable/
    )
    await assert.rejects(db.raw('delete from chat_messages where id = ?', [message.id]), /cannot be deleted/)
    const row = await db('chat_messages').where({ id: message.id }).first()
    assert.strictEqual(row.content, 'Evidence')
  })

  it('computes the hash chain in the send statement and the triggers on PGlite too, and it verifies', async () => {
    const sent = await app
      .service('messages')
      .create({ channel_id: channel.id, content: 'Chained on PGlite ✓' }, { user: world.worker })
    await app.service('messages').remove(sent.id, { user: world.worker })
    const check = await app.service('history-checks').get(channel.id)
    assert.deepStrictEqual(check.problems, [])
    assert.ok(check.messages >= 1 && check.events >= 7, JSON.stringify(check))
    const row = await app.get('postgresqlClient')('chat_messages').where({ id: sent.id }).first('hash')
    assert.match(row.hash, /^[0-9a-f]{64}$/)
    const transcript = await app.service('transcripts').get(channel.id)
    assert.strictEqual(transcript.messages.find((message) => message.id === sent.id)?.hash, row.hash)
  })

  it('searches messages with accents folded and the last word as a prefix, with unaccent and btree_gin loaded into PGlite', async () => {
    // A person's channels are searched through the index on channel and words (btree_gin)
    const [index] = await app
      .get('postgresqlClient')('pg_indexes')
      .where({ indexname: 'chat_messages_channel_search' })
      .pluck('indexdef')
    assert.match(index, /USING gin \(channel_id, search_vector\)/)
    const as = { user: world.worker, provider: 'rest', authenticated: true } as const
    await app
      .service('messages')
      .create({ channel_id: channel.id, content: 'Rendez-vous au Café Zürich & co' }, as)
    const page = (await app
      .service('messages')
      .find({ query: { $search: 'CAFE zu' }, ...as })) as MessageSearchPage
    assert.strictEqual(page.data.length, 1)
    assert.strictEqual(page.data[0].snippet, 'Rendez-vous au <mark>Café</mark> <mark>Zürich</mark> &amp; co')
    const outsider = { user: world.outsider, provider: 'rest', authenticated: true } as const
    assert.deepStrictEqual(
      ((await app.service('messages').find({ query: { $search: 'cafe' }, ...outsider })) as MessageSearchPage)
        .data,
      []
    )
    // Every channel, as an admin (an internal call) searches them: its lookup sets its own
    // planner settings and timeout in a transaction, which PGlite takes as PostgreSQL does
    for (const $sort of [undefined, { relevance: -1 as const }]) {
      const everywhere = (await app.service('messages').find({ query: { $search: 'zurich', $sort } })) as any
      assert.deepStrictEqual(
        everywhere.data.map((message: any) => message.content),
        ['Rendez-vous au Café Zürich & co']
      )
    }
  })

  it('applies the contact guard in the send statement on PGlite too, for sends that go together and alone', async () => {
    const db = app.get('postgresqlClient')
    const as = { user: world.worker }
    // The booking is confirmed: flag, with the defaults; sent at once, they go together
    const flagged = await Promise.all(
      ['+44 7700 900101', '+44 7700 900102', '+44 7700 900103'].map((phone) =>
        app.service('messages').create({ channel_id: channel.id, content: `call ${phone}` }, as)
      )
    )
    const findings = await db('chat_contact_findings')
      .whereIn(
        'message_id',
        flagged.map((message) => message.id)
      )
      .pluck('policy')
    assert.deepStrictEqual(findings, ['flag', 'flag', 'flag'])
    assert.ok(flagged.every((message) => message.masked_content === undefined))
    await db('bookings').where({ id: world.booking.id }).update({ status: 'pending' })
    const masked = await app
      .service('messages')
      .create({ channel_id: channel.id, content: 'call +44 7700 900104' }, as)
    assert.strictEqual(masked.masked_content, 'call [phone number hidden]')
    const finding = await db('chat_contact_findings')
      .where({ message_id: masked.id })
      .first('policy', 'spans')
    assert.deepStrictEqual(finding, { policy: 'mask', spans: [{ kind: 'phone', start: 5, end: 20 }] })
  })
})
