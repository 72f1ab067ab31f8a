import assert from 'assert'
import crypto from 'crypto'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { withTransaction } from '../../src/database/errors'
import { testDatabaseUrl } from '../helpers/database'
import { useServer } from '../helpers/app'
import { buildBooking, openBookingChannel } from '../helpers/factories'
import type { BookingWorld } from '../helpers/factories'
import { http, nextEvent, recordEvents, sleep, socketClient, waitUntil } from '../helpers/clients'
import { failure } from '../helpers/assertions'
import type { ClientApplication } from '../../src/client'

const tag = crypto.randomBytes(4).toString('hex')

/** An error shaped like the one pg raises for a SQLSTATE. */
const databaseError = (code: string, message: string) => Object.assign(new Error(message), { code })

describe('database failures', () => {
  describe('withTransaction', () => {
    let db: Knex
    const probe = `tx_probe_${tag}`

    before(async () => {
      db = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
      await db.schema.createTable(probe, (table) => {
        table.increments('id')
        table.text('label').notNullable()
      })
    })
    beforeEach(() => db(probe).delete())
    after(async () => {
      await db.schema.dropTableIfExists(probe)
      await db.destroy()
    })

    const labels = async () => (await db(probe).orderBy('id').select('label')).map((row: { label: string }) => row.label)

    it('retries after 40001 and 40P01, succeeds, and keeps only the successful attempt’s writes', async () => {
      let calls = 0
      const result = await withTransaction(
        db,
        async (trx) => {
          calls++
          await trx(probe).insert({ label: `attempt ${calls}` })
          // The failed attempts' writes are visible inside their own transaction…
          assert.deepStrictEqual(
            (await trx(probe).select('label')).map((row: { label: string }) => row.label),
            [`attempt ${calls}`]
          )
          if (calls === 1) throw databaseError('40001', 'could not serialize access due to concurrent update')
          if (calls === 2) throw databaseError('40P01', 'deadlock detected')
          return `done on attempt ${calls}`
        },
        { attempts: 5, baseDelayMs: 1 }
      )
      assert.strictEqual(result, 'done on attempt 3')
      assert.strictEqual(calls, 3)
      // …and are gone: each failed attempt was rolled back whole
      assert.deepStrictEqual(await labels(), ['attempt 3'])
    })

    it('retries a serialization failure raised by PostgreSQL itself', async () => {
      let calls = 0
      await withTransaction(
        db,
        async (trx) => {
          calls++
          await trx(probe).insert({ label: `attempt ${calls}` })
          if (calls === 1) {
            await trx.raw(`do $$ begin raise exception 'forced' using errcode = 'serialization_failure'; end $$`)
          }
        },
        { attempts: 5, baseDelayMs: 1 }
      )
      assert.strictEqual(calls, 2)
      assert.deepStrictEqual(await labels(), ['attempt 2'])
    })

    for (const [what, error] of [
      ['a unique violation (23505)', databaseError('23505', 'duplicate key value violates unique constraint')],
      ['a check violation (23514)', databaseError('23514', 'new row violates check constraint')],
      ['a plain error without a code', new Error('a bug in the work')]
    ] as const) {
      it(`does not retry ${what}, surfaces it and rolls back`, async () => {
        let calls = 0
        const surfaced = await failure(() =>
          withTransaction(
            db,
            async (trx) => {
              calls++
              await trx(probe).insert({ label: `attempt ${calls}` })
              throw error
            },
            { attempts: 5, baseDelayMs: 1 }
          )
        )
        assert.strictEqual(calls, 1, 'the work ran once')
        assert.strictEqual(surfaced, error)
        assert.deepStrictEqual(await labels(), [])
      })
    }

    it('surfaces the transient error once the attempts run out, with nothing written', async () => {
      let calls = 0
      const lastError = databaseError('40001', 'could not serialize access')
      const surfaced = await failure(() =>
        withTransaction(
          db,
          async (trx) => {
            calls++
            await trx(probe).insert({ label: `attempt ${calls}` })
            throw calls === 3 ? lastError : databaseError('40P01', 'deadlock detected')
          },
          { attempts: 3, baseDelayMs: 1 }
        )
      )
      assert.strictEqual(calls, 3, 'every attempt ran, and no more')
      assert.strictEqual(surfaced, lastError)
      assert.strictEqual(surfaced.code, '40001')
      assert.deepStrictEqual(await labels(), [])
    })
  })

  describe('an app whose database is unreachable', function () {
    this.timeout(20_000)
    const server = useServer({
      database: { url: 'postgres://postgres@127.0.0.1:1/none', dataDir: '', pool: { min: 0, max: 2 } }
    })

    const assertUnavailable = (body: any, text: string) => {
      assert.strictEqual(body?.name, 'Unavailable', text)
      assert.strictEqual(body.code, 503)
      assert.strictEqual(body.className, 'unavailable')
      assert.strictEqual(body.stack, undefined, 'no stack in the body')
      assert.doesNotMatch(text, /\n\s+at /, 'no stack frames in the body')
    }

    it('answers a login over REST with 503 Unavailable', async () => {
      const response = await http(server.url, 'POST', '/authentication', {
        body: { strategy: 'local', email: 'someone@example.test', password: 'whatever it is' }
      })
      assert.strictEqual(response.status, 503, response.text)
      assertUnavailable(response.body, response.text)
    })

    it('answers an authenticated service call over REST with 503 Unavailable', async () => {
      const token = await server.app.service('authentication').createAccessToken({ sub: '1' })
      const response = await http(server.url, 'GET', '/channels', { token })
      assert.strictEqual(response.status, 503, response.text)
      assertUnavailable(response.body, response.text)
    })

    it('answers a login over Socket.io with a 503 Unavailable error', async () => {
      const client = await socketClient(server.url)
      const error = await failure(() =>
        client.authenticate({ strategy: 'local', email: 'someone@example.test', password: 'whatever it is' })
      )
      assert.strictEqual(error.code, 503, error.message)
      assert.strictEqual(error.name, 'Unavailable')
    })

    it('is live (GET /health 200) but not ready (GET /ready 503), and keeps answering', async () => {
      const health = await http(server.url, 'GET', '/health')
      assert.strictEqual(health.status, 200)
      const ready = await http(server.url, 'GET', '/ready')
      assert.strictEqual(ready.status, 503)
      // The failures above did not take the process down
      const again = await http(server.url, 'POST', '/authentication', {
        body: { strategy: 'local', email: 'someone@example.test', password: 'whatever it is' }
      })
      assert.strictEqual(again.status, 503)
      assert.strictEqual((await http(server.url, 'GET', '/health')).status, 200)
    })
  })

  describe('a send that meets a database failure (forced by a trigger)', function () {
    this.timeout(30_000)
    const server = useServer()
    let db: Knex
    let world: BookingWorld
    let channelId: number
    let sender: ClientApplication
    let listener: ClientApplication
    const trigger = `test_forced_failure_${tag}`
    const counter = `test_forced_failure_attempts_${tag}`

    before(async () => {
      db = server.app.get('postgresqlClient')
      world = await buildBooking(server.app)
      sender = await socketClient(server.url, world.worker)
      listener = await socketClient(server.url, world.supervisor)
      const told = nextEvent(listener, 'channels', 'created', (channel: any) => channel.context_id === world.booking.id)
      channelId = (await openBookingChannel(server.app, world)).id
      await told
    })
    afterEach(() => removeForcedFailure())

    /**
     * A BEFORE INSERT trigger on chat_messages, for this suite's channel only, that raises
     * `errcode` on the first `failures` inserts. The attempts are counted with a sequence,
     * which (unlike a table) is not rolled back with the failed transaction.
     */
    async function forceFailure(errcode: string, failures: number) {
      await db.raw(`create sequence ${counter}`)
      await db.raw(`create function ${trigger}() returns trigger language plpgsql as $$
        begin
          if new.channel_id = ${Number(channelId)} then
            if nextval('${counter}') <= ${Number(failures)} then
              raise exception 'forced failure for a test' using errcode = '${errcode}';
            end if;
          end if;
          return new;
        end
        $$`)
      await db.raw(`create trigger ${trigger} before insert on chat_messages for each row execute function ${trigger}()`)
    }
    async function removeForcedFailure() {
      await db.raw(`drop trigger if exists ${trigger} on chat_messages`)
      await db.raw(`drop function if exists ${trigger}()`)
      await db.raw(`drop sequence if exists ${counter}`)
    }
    const insertAttempts = async () => Number((await db.raw(`select last_value, is_called from ${counter}`)).rows[0].last_value)

    const channelState = async () => {
      const channel = await db('chat_channels').where({ id: channelId }).first('last_seq')
      const seqs = (await db('chat_messages').where({ channel_id: channelId }).orderBy('seq').select('seq')).map(
        (row: { seq: number }) => Number(row.seq)
      )
      return { lastSeq: Number(channel.last_seq), seqs }
    }
    const assertGapFree = ({ lastSeq, seqs }: { lastSeq: number; seqs: number[] }) =>
      assert.deepStrictEqual(seqs, Array.from({ length: lastSeq }, (_, i) => i + 1), 'seq is 1..last_seq, no gap')

    for (const errcode of ['40001', '40P01']) {
      it(`retries a send whose insert fails once with ${errcode}: one message, gap-free seq, one event`, async () => {
        const before = await channelState()
        assertGapFree(before)
        await forceFailure(errcode, 1)
        const heard = recordEvents(listener, 'messages', 'created')
        const content = `survives a forced ${errcode}`

        const sent = await sender.service('messages').create({ channel_id: channelId, content })

        assert.strictEqual(await insertAttempts(), 2, 'the first attempt failed and the second one succeeded')
        assert.strictEqual(sent.content, content)
        assert.strictEqual(sent.seq, before.lastSeq + 1)
        const after = await channelState()
        assertGapFree(after)
        assert.strictEqual(after.lastSeq, before.lastSeq + 1)
        const rows = await db('chat_messages').where({ channel_id: channelId, content }).select('id')
        assert.deepStrictEqual(rows.map((row: { id: number }) => row.id), [sent.id], 'exactly one row for the send')
        const own = await db('chat_participants').where({ channel_id: channelId, user_id: world.worker.id }).first()
        assert.strictEqual(Number(own.last_read_seq), sent.seq, "the sender's read position moved once, to the message")

        // Recorded since before the send, so an event that came back with the result is not missed
        await waitUntil(() => heard.some((message: any) => message.id === sent.id), "the listener's 'messages created'")
        await sleep(200)
        assert.deepStrictEqual(heard.map((message: any) => message.id), [sent.id], 'exactly one event, for the committed message')
      })
    }

    it('answers 503 when the transient failure outlasts the retries, with nothing written and no event', async () => {
      const before = await channelState()
      await forceFailure('40001', 1000)
      const heard = recordEvents(listener, 'messages', 'created')

      const error = await failure(() => sender.service('messages').create({ channel_id: channelId, content: 'never stored' }))

      assert.strictEqual(error.code, 503, error.message)
      assert.strictEqual(error.name, 'Unavailable')
      assert.ok((await insertAttempts()) > 1, 'the send was retried before giving up')
      assert.deepStrictEqual(await channelState(), before, 'no seq consumed, no row written')
      assert.strictEqual(await db('chat_messages').where({ content: 'never stored' }).first(), undefined)
      await sleep(200)
      assert.deepStrictEqual(heard, [])

      // Once the database recovers, the channel goes on without a gap
      await removeForcedFailure()
      const next = await sender.service('messages').create({ channel_id: channelId, content: 'after the outage' })
      assert.strictEqual(next.seq, before.lastSeq + 1)
      assertGapFree(await channelState())
    })

    it('does not retry a non-transient failure: 500, nothing written, no event', async () => {
      const before = await channelState()
      await forceFailure('XX000', 1000)
      const heard = recordEvents(listener, 'messages', 'created')

      const error = await failure(() => sender.service('messages').create({ channel_id: channelId, content: 'broken' }))

      assert.strictEqual(error.code, 500, error.message)
      assert.strictEqual(await insertAttempts(), 1, 'tried once')
      assert.deepStrictEqual(await channelState(), before, 'no seq consumed, no row written')
      await sleep(200)
      assert.deepStrictEqual(heard, [])
    })
  })
})
