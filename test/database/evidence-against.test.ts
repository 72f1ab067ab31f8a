import assert from 'assert'
import fs from 'fs'
import os from 'os'
import path from 'path'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import type { ChannelRecord } from '../../src/modules/messaging/evidence/record'
import { useServer } from '../helpers/app'
import { testDatabaseUrl } from '../helpers/database'
import { rewriteAsOwner, runTool, writeKeyPair } from '../helpers/evidence'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'

/**
 * The tables' owner can rewrite a channel's history so that it is valid on its own, and
 * the server then signs the rewrite with its real key. An earlier export, held by a party,
 * exposes it: `--against` proves a newer state extends the older one, or names the first
 * entry where they part, for a newer export and for the live database alike.
 */
describe('consistency between two states of a record (--against)', function () {
  this.timeout(240_000)

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-against-'))
  const keys = writeKeyPair(dir, 'operator')
  const server = useServer({ evidence: { signing_key: keys.privatePath } })
  const trust = ['--public-key', keys.publicPath]
  let owner: Knex

  before(() => {
    owner = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 2 } })
  })
  after(async () => {
    await owner.destroy()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  async function channelWithFive(): Promise<{ world: BookingWorld; channelId: number; ids: number[] }> {
    const { world, channelId } = await bookingChannel(server.app)
    const ids: number[] = []
    for (let i = 1; i <= 5; i++) ids.push((await say(channelId, `line ${i}`, world)).id)
    return { world, channelId, ids }
  }
  const say = (channelId: number, content: string, world: BookingWorld) =>
    server.app.service('messages').create({ channel_id: channelId, content }, { user: world.worker })

  /** The channel's signed export, as a party receives it, in a file of its own. */
  async function exportTo(name: string, channelId: number) {
    const file = path.join(dir, `${name}.json`)
    fs.writeFileSync(file, JSON.stringify(await server.app.service('transcripts').get(channelId), null, 2))
    return file
  }

  const rewrite = (channelId: number, change: (record: ChannelRecord) => void) =>
    rewriteAsOwner(owner, channelId, change)

  const history = (world: BookingWorld, ...args: string[]) =>
    runTool('verify-history', ['--context', `booking:${world.booking.id}`, ...args])
  const transcript = (...args: string[]) => runTool('verify-transcript', args)

  it('a record that only grew extends the older export: both commands exit 0', async () => {
    const { world, channelId, ids } = await channelWithFive()
    const older = await exportTo('grown-old', channelId)
    await say(channelId, 'line 6', world)
    await server.app.service('messages').remove(ids[1], { user: world.worker })
    const newer = await exportTo('grown-new', channelId)

    const offline = await transcript(newer, '--against', older, ...trust)
    assert.strictEqual(offline.code, 0, offline.stdout + offline.stderr)
    assert.match(offline.stdout, /Consistent: \S+ extends \S+: its first 12 entries are the older record's/)
    const live = await history(world, '--against', older, ...trust)
    assert.strictEqual(live.code, 0, live.stdout + live.stderr)
    assert.match(live.stdout, /Consistent: the database extends/)
  })

  it('catches the owner cutting the tail and resetting the head, which the ordinary check calls valid', async () => {
    const { world, channelId, ids } = await channelWithFive()
    const older = await exportTo('cut-old', channelId)
    await rewrite(channelId, (record) => {
      record.messages = record.messages.filter((m) => m.seq <= 3)
      record.events = record.events.filter((e) => e.after_seq <= 3)
    })
    // The history goes on from the reset head, and the server signs it with its real key
    const other = await say(channelId, 'a different ending', world)
    assert.strictEqual(other.seq, 4)
    const newer = await exportTo('cut-new', channelId)

    const plain = await history(world)
    assert.strictEqual(plain.code, 0, plain.stdout)
    assert.match(plain.stdout, /Chain valid: channel \d+: 4 messages/)
    const alone = await transcript(newer, ...trust)
    assert.strictEqual(alone.code, 0, alone.stdout)

    const fourth = new RegExp(
      `message seq 4 \\(id ${ids[3]}\\): is entry 11 of the older record with hash [0-9a-f]{64}; the newer record has message seq 4 \\(id ${other.id}\\)`
    )
    const live = await history(world, '--against', older, ...trust)
    assert.strictEqual(live.code, 1, live.stdout)
    assert.match(live.stdout, /INCONSISTENT: the database does not extend/)
    assert.match(live.stdout, fourth)
    const offline = await transcript(newer, '--against', older, ...trust)
    assert.strictEqual(offline.code, 1, offline.stdout)
    assert.match(offline.stdout, fourth)
  })

  it('catches a cut with nothing after it: the newer record ends before the older head', async () => {
    const { world, channelId, ids } = await channelWithFive()
    const older = await exportTo('short-old', channelId)
    await rewrite(channelId, (record) => {
      record.messages = record.messages.filter((m) => m.seq <= 4)
    })
    assert.strictEqual((await history(world)).code, 0)
    const live = await history(world, '--against', older, ...trust)
    assert.strictEqual(live.code, 1, live.stdout)
    assert.match(
      live.stdout,
      new RegExp(`message seq 5 \\(id ${ids[4]}\\): is entry 12 of the older record .* ends after 11 entries`)
    )
  })

  it('catches the owner recomputing every link after rewriting words, which the ordinary check calls valid', async () => {
    const { world, channelId, ids } = await channelWithFive()
    const older = await exportTo('recomputed-old', channelId)
    await rewrite(channelId, (record) => {
      record.messages[1].content = 'I never said that'
    })
    const newer = await exportTo('recomputed-new', channelId)
    assert.strictEqual(JSON.parse(fs.readFileSync(newer, 'utf8')).messages[1].content, 'I never said that')

    const plain = await history(world)
    assert.strictEqual(plain.code, 0, plain.stdout)
    assert.match(plain.stdout, /Chain valid/)
    assert.strictEqual((await transcript(newer, ...trust)).code, 0)

    const second = new RegExp(`message seq 2 \\(id ${ids[1]}\\): is entry 9 of the older record`)
    const live = await history(world, '--against', older, ...trust)
    assert.strictEqual(live.code, 1, live.stdout)
    assert.match(live.stdout, second)
    const offline = await transcript(newer, '--against', older, ...trust)
    assert.strictEqual(offline.code, 1, offline.stdout)
    assert.match(offline.stdout, second)
  })

  it('compares only records of one channel, and takes the channel from the export when --context is left out', async () => {
    const first = await channelWithFive()
    const second = await channelWithFive()
    const older = await exportTo('first', first.channelId)
    const mixed = await transcript(await exportTo('second', second.channelId), '--against', older, ...trust)
    assert.strictEqual(mixed.code, 1, mixed.stdout)
    assert.match(
      mixed.stdout,
      new RegExp(`channel ${second.channelId}: is not the older record's channel ${first.channelId}`)
    )

    const refused = await history(second.world, '--against', older, ...trust)
    assert.strictEqual(refused.code, 2, refused.stdout)
    assert.match(refused.stderr, /is not the export's channel/)
    const implied = await runTool('verify-history', ['--against', older, ...trust])
    assert.strictEqual(implied.code, 0, implied.stdout + implied.stderr)
    assert.match(implied.stdout, new RegExp(`Chain valid: channel ${first.channelId}`))
  })
})
