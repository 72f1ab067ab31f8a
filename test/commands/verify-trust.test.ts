import assert from 'assert'
import crypto from 'crypto'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { useServer } from '../helpers/app'
import { runTool, writeKeyPair } from '../helpers/evidence'
import { bookingChannel } from '../helpers/fixtures'
import { keyIdOf, sign } from '../../src/modules/messaging/evidence/signature'
import type { Signed } from '../../src/modules/messaging/evidence/signature'
import type { Transcript } from '../../src/modules/messaging/services/transcripts/transcripts.schema'

/**
 * The verifier trusts nothing by default: a signature proves something only for a key
 * given from outside the file, within the dates it was in use; whatever the file claims
 * about its own key, and however its JSON is spelled, is checked. Exit codes: 0 verified,
 * 1 broken, 2 refused, 3 unverified.
 */
describe('verify-transcript trusts nothing by default', function () {
  this.timeout(180_000)

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-trust-'))
  const keys = writeKeyPair(dir, 'operator')
  const server = useServer({ evidence: { signing_key: keys.privatePath } })
  const publicPem = fs.readFileSync(keys.publicPath, 'utf8')
  const operatorKeyId = keyIdOf(crypto.createPublicKey(publicPem))
  let signed: Signed<Transcript>
  let signedFile: string

  const verify = (...args: string[]) => runTool('verify-transcript', args)
  const write = (name: string, content: string | object) => {
    const file = path.join(dir, name)
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
    return file
  }
  const keyList = (name: string, ...entries: object[]) =>
    write(name, {
      keys: entries.map((entry) => ({ key_id: operatorKeyId, public_key: publicPem, ...entry }))
    })

  before(async () => {
    const { world, channelId } = await bookingChannel(server.app)
    await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'Pay 100' }, { user: world.worker })
    signed = await server.app.service('transcripts').get(channelId)
    assert.strictEqual(signed.signature!.key_id, operatorKeyId)
    signedFile = write('signed.json', signed)
  })
  after(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('verifies with the published key (0), and without one says UNVERIFIED and exits 3', async () => {
    assert.strictEqual((await verify(signedFile, '--public-key', keys.publicPath)).code, 0)
    const alone = await verify(signedFile)
    assert.strictEqual(alone.code, 3, alone.stdout)
    assert.match(alone.stdout, /Chain valid/)
    assert.match(alone.stdout, /Signature of \S+ UNVERIFIED: it holds for the key the file itself carries/)
    assert.match(alone.stdout, /Result: UNVERIFIED \(exit 3\)/)
  })

  it('a file re-signed with another key: unverified without a trusted key (3), refused with one (1)', async () => {
    const forger = crypto.generateKeyPairSync('ed25519').privateKey
    const file = write('resigned.json', sign({ ...signed, exported_at: new Date().toISOString() }, forger))
    const alone = await verify(file)
    assert.strictEqual(alone.code, 3, alone.stdout)
    assert.match(alone.stdout, /UNVERIFIED/)
    const trusted = await verify(file, '--public-key', keys.publicPath)
    assert.strictEqual(trusted.code, 1, trusted.stdout)
    assert.match(trusted.stdout, /INVALID: signed by key [0-9a-f]{64}, which is none of the trusted keys/)
  })

  it('a stripped signature exits non-zero, naming the missing signature', async () => {
    for (const stripped of [{ ...signed, signature: null }, (({ signature: _, ...rest }) => rest)(signed)]) {
      const file = write('stripped.json', stripped)
      for (const trust of [[], ['--public-key', keys.publicPath]]) {
        const run = await verify(file, ...trust)
        assert.strictEqual(run.code, 3, run.stdout)
        assert.match(run.stdout, /UNVERIFIED: the transcript carries no signature/)
      }
    }
  })

  it('a key_id that is not the signing key’s exits 1, with or without a trusted key', async () => {
    const other = keyIdOf(crypto.generateKeyPairSync('ed25519').publicKey)
    const file = write('key-id.json', { ...signed, signature: { ...signed.signature, key_id: other } })
    for (const trust of [[], ['--public-key', keys.publicPath]]) {
      const run = await verify(file, ...trust)
      assert.strictEqual(run.code, 1, run.stdout)
      assert.match(run.stdout, new RegExp(`key_id ${other} is not the id of the key that signed`))
    }
  })

  it('refuses duplicate JSON keys anywhere (2), though JSON.parse would read the file as signed', async () => {
    const text = fs.readFileSync(signedFile, 'utf8')
    // The words shown to a reader who keeps the first key, the signed words for JSON.parse (the last)
    const doubled = text.replace('"content": "Pay 100"', '"content": "Pay 900", "content": "Pay 100"')
    assert.notStrictEqual(doubled, text)
    assert.deepStrictEqual(JSON.parse(doubled), JSON.parse(text))
    const run = await verify(write('doubled.json', doubled), '--public-key', keys.publicPath)
    assert.strictEqual(run.code, 2, run.stdout)
    assert.match(run.stderr, /the key "content" appears twice in one object, at messages\[0\]/)

    const topLevel = text.replace('"format":', '"signature": null, "format":')
    const again = await verify(write('doubled-top.json', topLevel), '--public-key', keys.publicPath)
    assert.strictEqual(again.code, 2)
    assert.match(again.stderr, /the key "signature" appears twice in one object, at the top level/)
  })

  it('a key list: verified within the key’s dates (0), fails outside them (1)', async () => {
    const inUse = keyList('current.json', { not_before: '2020-01-01T00:00:00Z', not_after: null })
    const ok = await verify(signedFile, '--keys', inUse)
    assert.strictEqual(ok.code, 0, ok.stdout)

    // Ended a day before the export: a key retired (or announced leaked) then proves nothing after
    const ended = new Date(Date.parse(signed.exported_at) - 86_400_000).toISOString()
    const expired = keyList('expired.json', { not_before: '2020-01-01T00:00:00Z', not_after: ended })
    const late = await verify(signedFile, '--keys', expired)
    assert.strictEqual(late.code, 1, late.stdout)
    assert.match(
      late.stdout,
      new RegExp(`key ${operatorKeyId} signed at ${signed.exported_at}, outside its validity`)
    )

    const later = new Date(Date.parse(signed.exported_at) + 86_400_000).toISOString()
    const early = await verify(
      signedFile,
      '--keys',
      keyList('future.json', { not_before: later, not_after: null })
    )
    assert.strictEqual(early.code, 1, early.stdout)
    assert.match(early.stdout, /outside its validity/)
  })

  it('refuses a key list that lies about a key_id, repeats a key or leaves dates without a zone (2)', async () => {
    const wrongId = write('wrong-id.json', {
      keys: [{ key_id: '0'.repeat(64), public_key: publicPem, not_before: '2020-01-01T00:00:00Z' }]
    })
    const lie = await verify(signedFile, '--keys', wrongId)
    assert.strictEqual(lie.code, 2)
    assert.match(lie.stderr, /key 1: key_id 0{64} is not the id of its public_key/)

    const repeated = write(
      'repeated.json',
      `{"keys": [{"key_id": "${operatorKeyId}", "key_id": "${operatorKeyId}"}]}`
    )
    const twice = await verify(signedFile, '--keys', repeated)
    assert.strictEqual(twice.code, 2)
    assert.match(twice.stderr, /the key "key_id" appears twice in one object, at keys\[0\]/)

    const local = await verify(
      signedFile,
      '--keys',
      keyList('local.json', { not_before: '2020-01-01T00:00:00' })
    )
    assert.strictEqual(local.code, 2)
    assert.match(local.stderr, /not_before must be a time with its zone/)
  })

  it('documents its exit codes in --help, and refuses bad usage with 2', async () => {
    const help = await verify('--help')
    assert.strictEqual(help.code, 0)
    for (const code of ['0  valid and verified', '1  broken', '2  refused', '3  unverified'])
      assert.ok(help.stdout.includes(code), code)
    const usage = await verify()
    assert.strictEqual(usage.code, 2)
    assert.match(usage.stderr, /^usage: npm run verify-transcript/)
  })
})
