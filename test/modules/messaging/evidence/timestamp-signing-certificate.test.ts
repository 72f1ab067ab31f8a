import assert from 'assert'
import { execFileSync } from 'child_process'
import fs from 'fs'
import os from 'os'
import path from 'path'
import * as pkijs from 'pkijs'
import { makeAuthorityFiles } from '../../../helpers/timestamp-authority'
import { readCertificate, verifyToken } from '../../../../src/modules/messaging/evidence/rfc3161'

/**
 * A time-stamp token names the certificate that signed it by its hash, in a signed ESS
 * attribute (SigningCertificateV2 with SHA-256, or SigningCertificate with SHA-1, as
 * OpenSSL's authority writes them). The token's own list of certificates is not signed:
 * without that check, that list changed to hold another certificate for the authority's
 * key, with the same issuer and serial, verified as well as the real one.
 */
describe('an RFC 3161 token verifies only with the signing certificate it names (ESS)', function () {
  this.timeout(60_000)
  let dir: string

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsa-ess-'))
  })
  after(() => fs.rmSync(dir, { recursive: true, force: true }))

  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  const certificate = (file: string) => readCertificate(fs.readFileSync(path.join(dir, file)))

  /** OpenSSL's authority stamps `data`; asked with certReq, as the service asks, the token carries its certificate. */
  function stamp(config: string, data: Buffer) {
    fs.writeFileSync(path.join(dir, 'data.bin'), data)
    openssl(['ts', '-query', '-data', 'data.bin', '-sha256', '-cert', '-out', 'query.tsq'])
    openssl(['ts', '-reply', '-config', config, '-queryfile', 'query.tsq', '-token_out', '-out', 'token.der'])
    return fs.readFileSync(path.join(dir, 'token.der'))
  }

  /** A second certificate for the authority's key from its own CA, with the same issuer and serial. */
  function standIn(name: string) {
    const serial = openssl(['x509', '-in', `${name}.pem`, '-noout', '-serial'])
      .toString()
      .trim()
      .split('=')[1]
    openssl(
      ['x509', '-req', '-in', `${name}.csr`, '-CA', `${name}-ca.pem`, '-CAkey', `${name}-ca.key`].concat([
        '-set_serial',
        `0x${serial}`,
        '-days',
        '400',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}-stand-in.pem`
      ])
    )
    return `${name}-stand-in.pem`
  }

  /** The token with its (unsigned) list of certificates replaced by `files`. */
  function carrying(token: Buffer, files: string[]) {
    const content = pkijs.ContentInfo.fromBER(new Uint8Array(token).slice().buffer)
    const signed = new pkijs.SignedData({ schema: content.content })
    signed.certificates = files.map(certificate)
    content.content = signed.toSchema(true)
    return Buffer.from(content.toSchema().toBER(false))
  }

  for (const [attribute, algorithm] of [
    ['SigningCertificateV2', 'sha256'],
    ['SigningCertificate', 'sha1']
  ]) {
    it(`${attribute} (${algorithm}): verified with the authority's certificate, invalid with a stand-in for its key`, async () => {
      const name = `ess-${algorithm}`
      const files = makeAuthorityFiles(dir, name)
      const config = fs.readFileSync(files.config, 'utf8')
      fs.writeFileSync(
        files.config,
        config.replace('ess_cert_id_alg = sha256', `ess_cert_id_alg = ${algorithm}`)
      )
      const data = Buffer.from(`the bytes of a checkpoint, stamped under ${attribute}`)
      const substitute = standIn(name) // made first: valid at the token's time, as a real one would be
      const token = stamp(files.config, data)
      assert.match(
        openssl(['asn1parse', '-inform', 'DER', '-in', 'token.der']).toString(),
        new RegExp(
          attribute === 'SigningCertificate' ? 'signingCertificate\\s*$' : 'signingCertificateV2',
          'mi'
        )
      )

      const trusted = [certificate(`${name}-ca.pem`)] // what a verifier is given: --tsa-cert
      const real = await verifyToken(token, data, trusted)
      assert.strictEqual(real.status, 'verified', JSON.stringify(real))
      const byItself = await verifyToken(token, data, [certificate(`${name}.pem`)])
      assert.strictEqual(
        byItself.status,
        'verified',
        `the authority's own certificate: ${JSON.stringify(byItself)}`
      )
      const rewritten = await verifyToken(carrying(token, [`${name}.pem`]), data, trusted)
      assert.strictEqual(
        rewritten.status,
        'verified',
        'the list rewritten with the real certificate still holds'
      )

      const substituted = await verifyToken(carrying(token, [substitute]), data, trusted)
      assert.strictEqual(substituted.status, 'invalid', JSON.stringify(substituted))
      assert.match(
        (substituted as { reason: string }).reason,
        new RegExp(`not the one its signed attribute names \\(ESS ${algorithm} hash\\)`)
      )
    })
  }
})
