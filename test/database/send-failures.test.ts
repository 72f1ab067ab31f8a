import assert from 'assert'
import crypto from 'crypto'
import type { Knex } from 'knex'
import { useServer } from '../helpers/app'
import { bookingChannelWithClients } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import { recordEvents, sleep, waitUntil } from '../helpers/clients'
import { failure } from '../helpers/assertions'
import type { ClientApplication } from '../../src/client'

const tag = crypto.randomBytes(4).toString('hex')

describe('database failures', () => {
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
      ;({
        world,
        channelId,
        clients: { worker: sender, supervisor: listener }
      } = await bookingChannelWithClients(server, {
        connected: ['worker', 'supervisor'],
        connectFirst: true
      }))
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
      await db.raw(
        `create trigger ${trigger} before insert on chat_messages for each row execute function ${trigger}()`
      )
    }
    async function removeForcedFailure() {
      await db.raw(`drop trigger if exists ${trigger} on chat_messages`)
      await db.raw(`drop function if exists ${trigger}()`)
      await db.raw(`drop sequence if exists ${counter}`)
    }
    const insertAttempts = async () =>
      Number((await db.raw(`select last_value, is_called from ${counter}`)).rows[0].last_value)

    const channelState = async () => {
      const channel = await db('chat_channels').where({ id: channelId }).first('last_seq')
      const seqs = (
        await db('chat_messages').where({ channel_id: channelId }).orderBy('seq').select('seq')
      ).map((row: { seq: number }) => Number(row.seq))
      return { lastSeq: Number(channel.last_seq), seqs }
    }
    const assertGapFree = ({ lastSeq, seqs }: { lastSeq: number; seqs: number[] }) =>
      assert.deepStrictEqual(
        seqs,
        Array.from({ length: lastSeq }, (_, i) => i + 1),
        'seq is 1..last_seq, no gap'
      )

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
        assert.deepStrictEqual(
          rows.map((row: { id: number }) => row.id),
          [sent.id],
          'exactly one row for the send'
        )
        const own = await db('chat_participants')
          .where({ channel_id: channelId, user_id: world.worker.id })
          .first()
        assert.strictEqual(
          Number(own.last_read_seq),
          sent.seq,
          "the sender's read position moved once, to the message"
        )

        // Recorded since before the send, so an event that came back with the result is not missed
        await waitUntil(
          () => heard.some((message) => message.id === sent.id),
          "the listener's 'messages created'"
        )
        await sleep(200)
        assert.deepStrictEqual(
          heard.map((message) => message.id),
          [sent.id],
          'exactly one event, for the committed message'
        )
      })
    }

    it('answers 503 when the transient failure outlasts the retries, with nothing written and no event', async () => {
      const before = await channelState()
      await forceFailure('40001', 1000)
      const heard = recordEvents(listener, 'messages', 'created')

      const error = await failure(() =>
        sender.service('messages').create({ channel_id: channelId, content: 'never stored' })
      )

      assert.strictEqual(error.code, 503, error.message)
      assert.strictEqual(error.name, 'Unavailable')
      assert.ok((await insertAttempts()) > 1, 'the send was retried before giving up')
      assert.deepStrictEqual(await channelState(), before, 'no seq consumed, no row written')
      assert.strictEqual(await db('chat_messages').where({ content: 'never stored' }).first(), undefined)
      await sleep(200)
      assert.deepStrictEqual(heard, [])

      // Once the database recovers, the channel goes on without a gap
      await removeForcedFailure()
      const next = await sender
        .service('messages')
        .create({ channel_id: channelId, content: 'after the outage' })
      assert.strictEqual(next.seq, before.lastSeq + 1)
      assertGapFree(await channelState())
    })

    it('does not retry a non-transient failure: 500, nothing written, no event', async () => {
      const before = await channelState()
      await forceFailure('XX000', 1000)
      const heard = recordEvents(listener, 'messages', 'created')

      const error = await failure(() =>
        sender.service('messages').create({ channel_id: channelId, content: 'broken' })
      )

      assert.strictEqual(error.code, 500, error.message)
      assert.strictEqual(await insertAttempts(), 1, 'tried once')
      assert.deepStrictEqual(await channelState(), before, 'no seq consumed, no row written')
      await sleep(200)
      assert.deepStrictEqual(heard, [])
    })
  })
})
