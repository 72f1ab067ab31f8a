import assert from 'assert'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { createKnex } from '../../../../../src/database/postgresql'
import { checkpointSignedBytes } from '../../../../../src/modules/messaging/evidence/checkpoint'
import type { CheckpointDocument } from '../../../../../src/modules/messaging/evidence/checkpoint'
import { trustedKeyFile, verifySignature } from '../../../../../src/modules/messaging/evidence/trust'
import { checkpointWorkOf } from '../../../../../src/modules/messaging/services/checkpoints/checkpoint-moments'
import { startApp, useServer } from '../../../../helpers/app'
import { http, login } from '../../../../helpers/clients'
import { testDatabaseUrl } from '../../../../helpers/database'
import { writeKeyPair } from '../../../../helpers/evidence'
import { buildAdmin, buildDispute } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import type { BookingWorld } from '../../../../helpers/factories'
import type { Paginated } from '@feathersjs/feathers'
import type { Checkpoint } from '../../../../../src/modules/messaging/services/checkpoints/checkpoints.shared'

/**
 * Signed checkpoints of a channel's head: taken when the channel freezes, when a dispute
 * opens on its booking, when an admin asks and on the schedule (only for channels with
 * new entries, once per state however many instances run it); read newest first by the
 * channel's participants; never changed or removed.
 */
describe('checkpoints', function () {
  this.timeout(120_000)

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoints-'))
  const keys = writeKeyPair(dir, 'operator')
  const server = useServer({ evidence: { signing_key: keys.privatePath } })
  after(() => fs.rmSync(dir, { recursive: true, force: true }))

  const say = (channelId: number, content: string, world: BookingWorld) =>
    server.app.service('messages').create({ channel_id: channelId, content }, { user: world.worker })
  const channelRow = (channelId: number) =>
    server.app.get('postgresqlClient')('chat_channels').where({ id: channelId }).first()
  const checkpointsOf = async (channelId: number) =>
    (await server.app.service('checkpoints').find({ query: { channel_id: channelId, $limit: 50 } })).data
  const verdictOf = (document: CheckpointDocument) =>
    verifySignature(document, [trustedKeyFile(keys.publicPath)], {
      bytes: checkpointSignedBytes(document),
      signedAt: document.time
    })

  async function channelWithTwo() {
    const { world, channelId } = await bookingChannel(server.app)
    await say(channelId, 'one', world)
    await say(channelId, 'two', world)
    return { world, channelId }
  }

  it('signs the head when the channel freezes, with the state it froze in', async () => {
    const { world, channelId } = await channelWithTwo()
    await server.app.service('bookings').patch(world.booking.id, { status: 'completed' })
    const channel = await channelRow(channelId)
    assert.strictEqual(channel.status, 'frozen')

    const [newest] = await checkpointsOf(channelId)
    assert.ok(newest, 'a checkpoint was taken')
    const document = newest.checkpoint
    assert.strictEqual(document.reason, 'frozen')
    assert.strictEqual(document.context, `booking:${world.booking.id}`)
    assert.deepStrictEqual(
      [document.seq, document.event_seq, document.head],
      [Number(channel.last_seq), Number(channel.last_event_seq), channel.chain_head]
    )
    assert.match(document.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    assert.deepStrictEqual(verdictOf(document).status, 'verified')
    // Any change to what was signed breaks the signature
    assert.strictEqual(verdictOf({ ...document, seq: document.seq - 1 }).status, 'invalid')
  })

  it('signs the booking channel once when a dispute opens on the booking', async () => {
    const { world, channelId } = await channelWithTwo()
    const dispute = await buildDispute(server.app, world.booking.id, [world.worker.id])
    await server.app
      .service('disputes')
      .patch(dispute.id, { party_ids: [world.worker.id, world.supervisor.id] })
    const disputes = (await checkpointsOf(channelId)).filter((k) => k.checkpoint.reason === 'dispute')
    assert.strictEqual(disputes.length, 1)
    assert.strictEqual(disputes[0].checkpoint.head, (await channelRow(channelId)).chain_head)
  })

  it('an admin asks for one; participants read them newest first; nobody else reads or writes them', async () => {
    const { world, channelId } = await channelWithTwo()
    const admin = await buildAdmin(server.app)
    const [adminToken, workerToken, outsiderToken] = await Promise.all(
      [admin, world.worker, world.outsider].map((who) => login(server.url, who))
    )
    const first = await http<Checkpoint>(server.url, 'POST', '/checkpoints', {
      token: adminToken,
      body: { channel_id: channelId }
    })
    assert.strictEqual(first.status, 201, first.text)
    assert.strictEqual(first.body.checkpoint.reason, 'request')
    await say(channelId, 'three', world)
    const second = await http<Checkpoint>(server.url, 'POST', '/checkpoints', {
      token: adminToken,
      body: { channel_id: channelId }
    })
    assert.strictEqual(second.body.checkpoint.seq, first.body.checkpoint.seq + 1)

    const read = await http<Paginated<Checkpoint>>(
      server.url,
      'GET',
      `/checkpoints?channel_id=${channelId}`,
      { token: workerToken }
    )
    assert.strictEqual(read.status, 200, read.text)
    assert.deepStrictEqual(
      read.body.data.map((k: { id: number }) => k.id),
      [second.body.id, first.body.id]
    )
    const latest = await http<Paginated<Checkpoint>>(
      server.url,
      'GET',
      `/checkpoints?channel_id=${channelId}&$limit=1`,
      {
        token: workerToken
      }
    )
    assert.deepStrictEqual(latest.body.data, [second.body])

    const refusals = [
      ['GET', `/checkpoints?channel_id=${channelId}`, outsiderToken, undefined, 403],
      ['GET', `/checkpoints?channel_id=999999999`, workerToken, undefined, 403],
      ['GET', '/checkpoints', workerToken, undefined, 400],
      ['GET', `/checkpoints?channel_id=${channelId}&head=x`, workerToken, undefined, 400],
      ['GET', `/checkpoints?channel_id=${channelId}`, undefined, undefined, 401],
      ['POST', '/checkpoints', workerToken, { channel_id: channelId }, 403],
      ['POST', '/checkpoints', adminToken, { channel_id: channelId, head: 'f'.repeat(64) }, 400],
      ['POST', '/checkpoints', adminToken, { channel_id: 999999999 }, 404],
      ['PATCH', `/checkpoints/${first.body.id}`, adminToken, { seq: 0 }, 405],
      ['PUT', `/checkpoints/${first.body.id}`, adminToken, { channel_id: channelId }, 405],
      ['DELETE', `/checkpoints/${first.body.id}`, adminToken, undefined, 405]
    ] as const
    for (const [method, route, token, body, status] of refusals) {
      const answer = await http(server.url, method, route, { token, body })
      assert.strictEqual(answer.status, status, `${method} ${route}: ${answer.text}`)
    }
    assert.strictEqual((await checkpointsOf(channelId)).length, 2)
  })

  it('the schedule checkpoints channels with new entries only, once per state across instances', async () => {
    const { world, channelId } = await channelWithTwo()
    const other = await startApp({ evidence: { signing_key: keys.privatePath } })
    try {
      const passes = [server.app, other.app].map((app) => checkpointWorkOf(app).schedule.runOnce())
      await Promise.all(passes)
      const scheduled = (await checkpointsOf(channelId)).filter((k) => k.checkpoint.reason === 'schedule')
      assert.strictEqual(scheduled.length, 1, 'two instances passing at once store one')
      assert.strictEqual(scheduled[0].checkpoint.head, (await channelRow(channelId)).chain_head)

      await checkpointWorkOf(other.app).schedule.runOnce()
      assert.strictEqual((await checkpointsOf(channelId)).length, 1, 'nothing new: no checkpoint')

      await say(channelId, 'three', world)
      await checkpointWorkOf(server.app).schedule.runOnce()
      const [newest, older] = await checkpointsOf(channelId)
      assert.strictEqual(newest.checkpoint.seq, older.checkpoint.seq + 1)
    } finally {
      await other.close()
    }
  })

  it('the database keeps checkpoints as written, and refuses one of a head the chain never had', async () => {
    const { channelId } = await channelWithTwo()
    const owner = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 1 } })
    try {
      const row = (await server.app.service('checkpoints').create({ channel_id: channelId })).id
      const refused = async (statement: Promise<unknown>, words: RegExp) =>
        assert.rejects(statement, (error: any) => words.test(error.message))
      const table = () => owner('chat_checkpoints')
      await refused(table().where({ id: row }).delete(), /a checkpoint is never deleted/)
      await refused(owner.raw('truncate chat_checkpoints'), /a checkpoint is never deleted/)
      await refused(table().where({ id: row }).update({ seq: 0 }), /a checkpoint never changes/)
      await refused(table().where({ id: row }).update({ document: '{}' }), /a checkpoint never changes/)
      await table()
        .where({ id: row })
        .update({ timestamp_token: Buffer.from([1]) })
      await refused(
        table()
          .where({ id: row })
          .update({ timestamp_token: Buffer.from([2]) }),
        /keeps the first time-stamp token/
      )

      // The time as the chain writes it: a JavaScript date would lose its microseconds
      const stored = await table()
        .where({ id: row })
        .first('*', owner.raw('chat_chain_time(taken_at) as time'))
      const forged = (head: string) => ({
        channel_id: channelId,
        reason: 'request',
        seq: stored.seq,
        event_seq: stored.event_seq,
        head,
        taken_at: stored.time,
        document: JSON.stringify({ ...JSON.parse(stored.document), head })
      })
      await refused(table().insert(forged('a'.repeat(64))), /a state of the chain it passed through/)
      await refused(
        table().insert({
          ...forged(stored.head),
          document: stored.document.replace('"request"', '"schedule"'),
          seq: 1
        }),
        /says what its row says/
      )
    } finally {
      await owner.destroy()
    }
  })
})
