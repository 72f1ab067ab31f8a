import assert from 'assert'
import crypto from 'crypto'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { useServer } from '../helpers/app'
import { runTool, writeKeyPair } from '../helpers/evidence'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import { sign } from '../../src/modules/messaging/evidence/signature'
import type { Signed } from '../../src/modules/messaging/evidence/signature'
import type { Transcript } from '../../src/modules/messaging/services/transcripts/transcripts.schema'

/**
 * A signed export, and its verification by a third party with nothing but the file
 * and the operator's published public key: an edited file, a forged signature or a
 * signature by another key fail, naming what breaks.
 */
describe('signed transcripts and their offline verification', function () {
  this.timeout(180_000)

  const server = useServer()
  let dir: string
  let keys: ReturnType<typeof writeKeyPair>
  let world: BookingWorld
  let signedFile: string
  let signed: Signed<Transcript>
  let html: string

  const context = () => ['--context', `booking:${world.booking.id}`]
  const verify = (file: string, ...args: string[]) => runTool('verify-transcript', [file, ...args])
  /** A copy of the signed export, changed (or replaced) by `change`, written to a file of its own. */
  const writeVariant = (name: string, change: (document: any) => object | void) => {
    const document = structuredClone(signed)
    const file = path.join(dir, `${name}.json`)
    fs.writeFileSync(file, JSON.stringify(change(document) ?? document, null, 2))
    return file
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-'))
    keys = writeKeyPair(dir, 'evidence')
    const opened = await bookingChannel(server.app, { profiles: { supervisor: { name: 'Ben <3 & "Co"' } } })
    world = opened.world
    const { channelId } = opened
    const say = (content: string, user = world.worker) =>
      server.app.service('messages').create({ channel_id: channelId, content }, { user })
    await say('Shift starts at 8')
    const regret = await say('a < b & "c" <i>d</i>', world.supervisor)
    await say('Noted')
    await server.app.service('messages').remove(regret.id, { user: world.supervisor })

    const htmlFile = path.join(dir, 'transcript.html')
    const run = await runTool(
      'transcript',
      [...context(), '--html', htmlFile, '--time-zone', 'Asia/Kolkata'],
      {
        EVIDENCE_SIGNING_KEY: keys.privatePath
      }
    )
    assert.strictEqual(run.code, 0, run.stderr)
    assert.match(run.stderr, /Signed with Ed25519 key [0-9a-f]{64}/)
    signedFile = path.join(dir, 'signed.json')
    fs.writeFileSync(signedFile, run.stdout)
    signed = JSON.parse(run.stdout)
    html = fs.readFileSync(htmlFile, 'utf8')
  })
  after(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('exports the whole record: deleted words, events as system lines, names, intervals, read positions, chain and signature', () => {
    assert.strictEqual(signed.format, 'context-chat-transcript/2')
    assert.strictEqual(signed.signature!.algorithm, 'Ed25519')
    assert.strictEqual(signed.messages.length, 3)
    const deleted = signed.messages[1]
    assert.deepStrictEqual(
      [deleted.is_deleted, deleted.content, deleted.deleted_by],
      [true, 'a < b & "c" d', world.supervisor.id]
    )
    assert.match(
      deleted.created_at,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/,
      'times with microseconds, in UTC'
    )
    assert.ok(signed.messages.every((message) => /^[0-9a-f]{64}$/.test(String(message.hash))))
    const texts = signed.events.map((event) => event.text)
    assert.ok(texts.includes(`${world.worker.name} joined as worker`), texts.join(' | '))
    assert.ok(texts.includes('Ben <3 & "Co" deleted a message'), texts.join(' | '))
    const worker = signed.participants.find((participant) => participant.user_id === world.worker.id)!
    assert.deepStrictEqual(
      [worker.name, worker.role, worker.removed_at, worker.last_read_seq],
      [world.worker.name, 'worker', null, 3]
    )
    assert.strictEqual(signed.channel.chain_head, signed.events.at(-1)!.hash)
  })

  it('verifies with the published public key (exit 0)', async () => {
    const run = await verify(signedFile, '--public-key', keys.publicPath)
    assert.strictEqual(run.code, 0, run.stdout + run.stderr)
    assert.match(run.stdout, /Chain valid: channel \d+: 3 messages, 8 events/)
    assert.match(
      run.stdout,
      /Signature of \S+ verified: Ed25519 key [0-9a-f]{64}, a trusted key within its dates/
    )
    assert.match(run.stdout, /Result: VERIFIED \(exit 0\)/)
  })

  it('names the message whose words were edited in the file, and the signature no longer holds', async () => {
    const edited = writeVariant('edited', (document) => {
      document.messages[0].content = 'Shift starts at 9'
    })
    const run = await verify(edited, '--public-key', keys.publicPath)
    assert.strictEqual(run.code, 1)
    assert.match(
      run.stdout,
      new RegExp(`message seq 1 \\(id ${signed.messages[0].id}\\): does not match its hash`)
    )
    assert.match(run.stdout, /Signature of \S+ INVALID: the signature does not match the document/)
  })

  it('names a message left out of the file', async () => {
    const shortened = writeVariant('shortened', (document) => {
      document.messages.splice(2, 1)
    })
    const run = await verify(shortened)
    assert.strictEqual(run.code, 1)
    assert.match(run.stdout, /message seq 3: is missing from the record/)
  })

  it('refuses a forged signature, and a valid signature by a key other than the published one', async () => {
    const forged = writeVariant('forged', (document) => {
      document.signature.value = crypto.randomBytes(64).toString('base64')
    })
    const run = await verify(forged, '--public-key', keys.publicPath)
    assert.strictEqual(run.code, 1)
    assert.match(run.stdout, /Chain valid/)
    assert.match(run.stdout, /Signature of \S+ INVALID: the signature does not match the document/)

    const other = crypto.generateKeyPairSync('ed25519').privateKey
    const resigned = writeVariant('resigned', (document) => sign(document, other))
    const byOther = await verify(resigned, '--public-key', keys.publicPath)
    assert.strictEqual(byOther.code, 1)
    assert.match(
      byOther.stdout,
      /Signature of \S+ INVALID: signed by key [0-9a-f]{64}, which is none of the trusted keys/
    )
  })

  it('exports unsigned without a key and says so; such a file is unverified (exit 3), with or without a public key', async () => {
    const run = await runTool('transcript', context(), { EVIDENCE_SIGNING_KEY: '' })
    assert.strictEqual(run.code, 0, run.stderr)
    assert.match(run.stderr, /Not signed: EVIDENCE_SIGNING_KEY is not set/)
    const file = path.join(dir, 'unsigned.json')
    fs.writeFileSync(file, run.stdout)
    assert.strictEqual(JSON.parse(run.stdout).signature, null)
    const alone = await verify(file)
    assert.strictEqual(alone.code, 3, alone.stdout)
    assert.match(alone.stdout, /Signature of \S+ UNVERIFIED: the transcript carries no signature/)
    assert.strictEqual((await verify(file, '--public-key', keys.publicPath)).code, 3)
  })

  it('exits 2 for a file that is not a transcript, and refuses a key that is not Ed25519 to sign with', async () => {
    const notTranscript = path.join(dir, 'other.json')
    fs.writeFileSync(notTranscript, '{"hello": 1}')
    const run = await verify(notTranscript)
    assert.strictEqual(run.code, 2)
    assert.match(run.stderr, /not a context-chat transcript/)

    const rsa = path.join(dir, 'rsa.pem')
    fs.writeFileSync(
      rsa,
      crypto
        .generateKeyPairSync('rsa', { modulusLength: 1024 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
    )
    const refused = await runTool('transcript', context(), { EVIDENCE_SIGNING_KEY: rsa })
    assert.strictEqual(refused.code, 1)
    assert.match(refused.stderr, /is rsa, not Ed25519/)
    assert.strictEqual(refused.stdout, '')
  })

  it('renders HTML a lawyer can print: names and text escaped, times in the chosen zone, deletions marked', () => {
    assert.ok(html.includes('Ben &lt;3 &amp; &quot;Co&quot;'), 'names escaped')
    assert.ok(html.includes('a &lt; b &amp; &quot;c&quot; d'), 'words escaped')
    assert.ok(!html.includes('Ben <3'), 'nothing of the record unescaped')
    assert.match(html, /GMT\+5:30/, 'times in Asia/Kolkata')
    assert.match(
      html,
      new RegExp(
        `class="label">Deleted [^<]+ by <bdi>Ben &lt;3 &amp; &quot;Co&quot;</bdi> \\(user ${world.supervisor.id}\\)<`
      )
    )
    assert.ok(html.includes(`${world.worker.name} joined as worker`))
    assert.ok(html.includes(signed.signature!.key_id))
  })

  it('refuses an unknown time zone with the usage', async () => {
    const run = await runTool('transcript', [...context(), '--time-zone', 'Mars/Olympus'])
    assert.strictEqual(run.code, 1)
    assert.match(run.stderr, /Unknown time zone 'Mars\/Olympus'/)
    assert.match(run.stderr, /usage/)
  })
})
