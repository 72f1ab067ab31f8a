import assert from 'assert'
import crypto from 'crypto'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { execFileSync } from 'child_process'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { checkpointMetrics } from '../../src/metrics/checkpoints'
import { timestampedBytes } from '../../src/modules/messaging/evidence/checkpoint'
import { checkpointWorkOf } from '../../src/modules/messaging/services/checkpoints/checkpoint-moments'
import { useServer } from '../helpers/app'
import { sleep } from '../helpers/clients'
import { testDatabaseUrl } from '../helpers/database'
import { rewriteAsOwner, runTool, writeKeyPair } from '../helpers/evidence'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import { makeAuthorityFiles, startTimestampAuthority } from '../helpers/timestamp-authority'
import type { TimestampAuthority } from '../helpers/timestamp-authority'

/**
 * A checkpoint a party keeps exposes what an earlier export exposes: the owner cutting
 * the tail and resetting the head, or recomputing every link, is valid on its own but
 * does not pass through the checkpoint's head. Its time comes from a real RFC 3161
 * authority (OpenSSL's, behind plain HTTP), checked offline against its certificate; an
 * authority that is down or stalls holds up no freeze, and its token is fetched later.
 */
describe('checkpoints kept by a party, with RFC 3161 time-stamps (--against)', function () {
  this.timeout(300_000)

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-against-'))
  const keys = writeKeyPair(dir, 'operator')
  let authority: TimestampAuthority
  before(async () => {
    authority = await startTimestampAuthority()
  })
  const server = useServer(() => ({
    evidence: {
      signing_key: keys.privatePath,
      tsa_url: authority.url,
      tsa_timeout_seconds: 2,
      tsa_retry_seconds: 1
    }
  }))
  let owner: Knex
  before(() => {
    owner = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
  })
  after(async () => {
    await owner.destroy()
    await authority.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const say = (channelId: number, content: string, world: BookingWorld) =>
    server.app.service('messages').create({ channel_id: channelId, content }, { user: world.worker })
  const timestamps = () => checkpointWorkOf(server.app).timestamps
  const newest = async (channelId: number) =>
    (await server.app.service('checkpoints').find({ query: { channel_id: channelId, $limit: 1 } })).data[0]

  async function channelWithFive() {
    const { world, channelId } = await bookingChannel(server.app)
    for (let i = 1; i <= 5; i++) await say(channelId, `line ${i}`, world)
    return { world, channelId }
  }

  /** A party's copies: the export and the newest checkpoint, stamped, each in a file. */
  async function keepCopies(name: string, channelId: number) {
    await server.app.service('checkpoints').create({ channel_id: channelId })
    await timestamps().settled()
    const { checkpoint } = await newest(channelId)
    assert.ok(checkpoint.timestamp, 'the authority stamped the checkpoint')
    const files = {
      checkpoint: path.join(dir, `${name}.checkpoint.json`),
      export: path.join(dir, `${name}.json`)
    }
    fs.writeFileSync(files.checkpoint, JSON.stringify(checkpoint, null, 2))
    fs.writeFileSync(files.export, JSON.stringify(await server.app.service('transcripts').get(channelId)))
    return files
  }

  const trust = () => ['--public-key', keys.publicPath, '--tsa-cert', authority.caCertificate]
  const history = (world: BookingWorld, ...args: string[]) =>
    runTool('verify-history', ['--context', `booking:${world.booking.id}`, ...args])

  it('a checkpoint with a verified time-stamp token: the database that only grew passes through it', async () => {
    const { world, channelId } = await channelWithFive()
    const kept = await keepCopies('grown', channelId)
    await say(channelId, 'line 6', world)

    const live = await history(world, '--against', kept.checkpoint, ...trust())
    assert.strictEqual(live.code, 0, live.stdout + live.stderr)
    assert.match(live.stdout, /Signature of \S+ verified: Ed25519 key [0-9a-f]{64}/)
    assert.match(
      live.stdout,
      /Timestamp of \S+ verified: RFC 3161 token of \S+ by authority TSA, a trusted authority/
    )
    assert.match(live.stdout, /Consistent: the database extends \S+: its first 12 entries/)

    // OpenSSL's own verifier agrees that the token stamps the checkpoint's bytes
    const document = JSON.parse(fs.readFileSync(kept.checkpoint, 'utf8'))
    const token = path.join(dir, 'grown.tst')
    fs.writeFileSync(token, Buffer.from(document.timestamp.token, 'base64'))
    const digest = crypto.createHash('sha256').update(timestampedBytes(document)).digest('hex')
    const openssl = execFileSync('openssl', [
      'ts',
      '-verify',
      '-digest',
      digest,
      '-in',
      token,
      '-token_in',
      '-CAfile',
      authority.caCertificate
    ]).toString()
    assert.match(openssl, /Verification: OK/)
  })

  it('catches the owner cutting the tail and resetting the head, by the export and by the checkpoint', async () => {
    const { world, channelId } = await channelWithFive()
    const kept = await keepCopies('cut', channelId)
    await rewriteAsOwner(owner, channelId, (record) => {
      record.messages = record.messages.filter((m) => m.seq <= 3)
      record.events = record.events.filter((e) => e.after_seq <= 3)
    })
    await say(channelId, 'a different ending', world)
    assert.strictEqual((await history(world)).code, 0, 'valid on its own')

    let byCheckpoint = ''
    for (const file of [kept.export, kept.checkpoint]) {
      const live = await history(world, '--against', file, ...trust())
      assert.strictEqual(live.code, 1, live.stdout + live.stderr)
      assert.match(live.stdout, /INCONSISTENT: the database does not extend/)
      byCheckpoint = live.stdout
    }
    assert.match(
      byCheckpoint,
      /checkpoint of channel \d+: holds 5 messages and 7 events \(head [0-9a-f]{64}\), but the newer record has 11 entries: its history was cut/
    )
  })

  it('catches the owner recomputing every link, by the export and by the checkpoint', async () => {
    const { world, channelId } = await channelWithFive()
    const kept = await keepCopies('recomputed', channelId)
    await rewriteAsOwner(owner, channelId, (record) => {
      record.messages[1].content = 'I never said that'
    })
    for (const file of [kept.export, kept.checkpoint]) {
      const live = await history(world, '--against', file, ...trust())
      assert.strictEqual(live.code, 1, live.stdout + live.stderr)
      assert.match(live.stdout, /INCONSISTENT/)
    }
  })

  it('trusts no authority by default, and refuses a changed checkpoint and a token of another authority', async () => {
    const { world, channelId } = await channelWithFive()
    const kept = await keepCopies('trust', channelId)
    const untrusted = await history(world, '--against', kept.checkpoint, '--public-key', keys.publicPath)
    assert.strictEqual(untrusted.code, 3, untrusted.stdout)
    assert.match(untrusted.stdout, /Timestamp of \S+ UNVERIFIED: it says \S+, but no authority's certificate/)

    const other = makeAuthorityFiles(dir, 'other')
    const foreign = await history(
      world,
      '--against',
      kept.checkpoint,
      '--public-key',
      keys.publicPath,
      '--tsa-cert',
      other.caCertificate
    )
    assert.strictEqual(foreign.code, 1, foreign.stdout)
    assert.match(foreign.stdout, /Timestamp of \S+ INVALID/)

    const document = JSON.parse(fs.readFileSync(kept.checkpoint, 'utf8'))
    const changed = path.join(dir, 'changed.checkpoint.json')
    fs.writeFileSync(changed, JSON.stringify({ ...document, time: '2020-01-01T00:00:00.000000Z' }))
    const tampered = await history(world, '--against', changed, ...trust())
    assert.strictEqual(tampered.code, 1, tampered.stdout)
    assert.match(tampered.stdout, /Signature of \S+ INVALID/)
    assert.match(tampered.stdout, /Timestamp of \S+ INVALID: it stamps other bytes than these/)
  })

  it('an authority that is down or stalls holds up no freeze; the token is fetched on a later pass', async () => {
    const failed = async () =>
      (await checkpointMetrics(server.app).timestamps.get()).values.find((v) => v.labels.outcome === 'failed')
        ?.value ?? 0
    const before = await failed()
    const { world, channelId } = await channelWithFive()
    authority.mode = 'stall'
    await server.app.service('bookings').patch(world.booking.id, { status: 'completed' })
    const frozen = await owner('chat_checkpoints').where({ channel_id: channelId, reason: 'frozen' }).first()
    assert.ok(frozen, 'the freeze stored its checkpoint while the authority stalled')
    assert.strictEqual(frozen.timestamp_attempts, 0, 'the freeze returned before the authority answered')
    await timestamps().settled()
    authority.mode = 'down'
    await sleep(1100) // past tsa_retry_seconds
    await checkpointWorkOf(server.app).schedule.runOnce()
    const tried = await owner('chat_checkpoints').where({ id: frozen.id }).first()
    assert.strictEqual(tried.timestamp_token, null)
    assert.strictEqual(tried.timestamp_attempts, 2)
    assert.ok((await failed()) - before >= 2, 'each failure is counted')

    authority.mode = 'answer'
    // The pass also checkpoints every channel of the run's database with new entries (other
    // suites' too), and the authority answers one request at a time: this retry may queue
    // behind dozens of them, longer than the 2 s the stall above needed
    server.app.set('evidence', { ...server.app.get('evidence'), tsa_timeout_seconds: 120 })
    await sleep(1100)
    await checkpointWorkOf(server.app).schedule.runOnce()
    const stamped = await owner('chat_checkpoints').where({ id: frozen.id }).first()
    assert.ok(stamped.timestamp_token, 'a later pass fetched the token')
    assert.strictEqual(stamped.timestamp_attempts, 3)
  })
})
