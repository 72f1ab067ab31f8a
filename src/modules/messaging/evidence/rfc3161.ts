import crypto from 'crypto'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'

/**
 * RFC 3161 time-stamps, with PKI.js: the request the service sends to a time-stamp
 * authority, the reading of its answer, and the offline check of a token against the
 * authority's certificate. Kept free of the app, so that the verifier needs nothing but
 * node and these libraries.
 */

const SHA256 = '2.16.840.1.101.3.4.2.1'
const SIGNED_DATA = '1.2.840.113549.1.7.2'
const TST_INFO = '1.2.840.113549.1.9.16.1.4'
const TIME_STAMPING = '1.3.6.1.5.5.7.3.8'
const EXTENDED_KEY_USAGE = '2.5.29.37'
// The ESS attributes that name the signing certificate by its hash (RFC 2634, RFC 5035)
const SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12'
const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47'
const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  [SHA256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512'
}

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: crypto.webcrypto as Crypto }))

const arrayBufferOf = (bytes: Uint8Array) =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer

export interface TimestampRequest {
  /** DER TimeStampReq, sent as application/timestamp-query */
  der: Buffer
  /** the SHA-256 of the stamped bytes and the nonce, to check the answer against */
  digest: Buffer
  nonce: Buffer
}

/** A request for a time-stamp over SHA-256(bytes), with a fresh nonce, asking for the TSA's certificate. */
export function timestampRequest(bytes: Buffer): TimestampRequest {
  const digest = crypto.createHash('sha256').update(bytes).digest()
  const nonce = crypto.randomBytes(8)
  nonce[0] &= 0x7f // a positive INTEGER
  nonce[0] |= 0x01 // with no leading zero byte, so the answer's nonce compares byte for byte
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: arrayBufferOf(digest) })
    }),
    nonce: new asn1js.Integer({ valueHex: arrayBufferOf(nonce) }),
    certReq: true
  })
  return { der: Buffer.from(request.toSchema().toBER(false)), digest, nonce }
}

/** The token's signed content: what was stamped, when, by whom. */
interface TokenParts {
  signed: pkijs.SignedData
  info: pkijs.TSTInfo
}

function tokenParts(token: Buffer): TokenParts {
  const content = pkijs.ContentInfo.fromBER(arrayBufferOf(token))
  if (content.contentType !== SIGNED_DATA) throw new Error('the token is not CMS SignedData')
  const signed = new pkijs.SignedData({ schema: content.content })
  const encapsulated = signed.encapContentInfo
  if (encapsulated.eContentType !== TST_INFO || !encapsulated.eContent)
    throw new Error('the token does not hold a TSTInfo')
  const info = pkijs.TSTInfo.fromBER(encapsulated.eContent.getValue())
  return { signed, info }
}

const sameBytes = (a: ArrayBuffer | Uint8Array, b: Buffer) => Buffer.from(a as ArrayBuffer).equals(b)

function imprintProblem(info: pkijs.TSTInfo, digest: Buffer): string | null {
  if (info.messageImprint.hashAlgorithm.algorithmId !== SHA256) return 'it stamps a digest other than SHA-256'
  if (!sameBytes(info.messageImprint.hashedMessage.valueBlock.valueHexView, digest))
    return 'it stamps other bytes than these: the document changed after it was stamped'
  return null
}

/**
 * The token from a TSA's DER TimeStampResp, after checking that it was granted and stamps
 * what was asked (digest and nonce). Its signature is checked offline, by `verifyToken`.
 */
export function tokenFromResponse(response: Buffer, request: TimestampRequest): Buffer {
  const answer = pkijs.TimeStampResp.fromBER(arrayBufferOf(response))
  const status = answer.status.status
  if (status !== 0 && status !== 1 /* granted, granted with modifications */)
    throw new Error(`the authority refused the request (PKIStatus ${status})`)
  if (!answer.timeStampToken) throw new Error('the authority granted no token')
  const token = Buffer.from(answer.timeStampToken.toSchema().toBER(false))
  const { info } = tokenParts(token)
  const problem = imprintProblem(info, request.digest)
  if (problem) throw new Error(`the authority's token is not for this request: ${problem}`)
  if (!info.nonce || !sameBytes(info.nonce.valueBlock.valueHexView, request.nonce))
    throw new Error("the authority's token does not carry this request's nonce")
  return token
}

export type TimestampVerdict =
  | { status: 'verified'; time: string; authority: string }
  | { status: 'invalid'; reason: string }
  | { status: 'unverified'; reason: string; time?: string }

const subjectOf = (certificate: pkijs.Certificate) =>
  certificate.subject.typesAndValues.map((part) => String(part.value.valueBlock.value)).join(', ')

const stampsTime = (certificate: pkijs.Certificate) =>
  (certificate.extensions ?? []).some(
    (extension) =>
      extension.extnID === EXTENDED_KEY_USAGE &&
      (extension.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes?.includes(TIME_STAMPING)
  )

const derOf = (certificate: pkijs.Certificate) => Buffer.from(certificate.toSchema().toBER(false))
const sameCertificate = (a: pkijs.Certificate, b: pkijs.Certificate) => derOf(a).equals(derOf(b))
const validAt = (certificate: pkijs.Certificate, at: Date) =>
  certificate.notBefore.value <= at && at <= certificate.notAfter.value

/** A PEM (or DER) certificate, as an authority publishes it. */
export function readCertificate(bytes: Buffer): pkijs.Certificate {
  const text = bytes.toString('latin1')
  const der = text.includes('-----BEGIN CERTIFICATE-----')
    ? Buffer.from(text.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''), 'base64')
    : bytes
  return pkijs.Certificate.fromBER(arrayBufferOf(der))
}

/**
 * The signing certificate's hash as the token's signed ESS attribute gives it: the first
 * ESSCertID of SigningCertificateV2 (hash algorithm SHA-256 unless named) or of
 * SigningCertificate (SHA-1). RFC 3161 requires one; a string says what is wrong.
 */
function essCertificateHash(signed: pkijs.SignedData): { algorithm: string; hash: Buffer } | string {
  const attributes = signed.signerInfos[0]?.signedAttrs?.attributes ?? []
  const v2 = attributes.find((attribute) => attribute.type === SIGNING_CERTIFICATE_V2)
  const attribute = v2 ?? attributes.find((attribute) => attribute.type === SIGNING_CERTIFICATE)
  if (!attribute) return 'it names no signing certificate (no ESS signing-certificate attribute)'
  try {
    const certs = (attribute.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence
    const [first, second] = (certs.valueBlock.value[0] as asn1js.Sequence).valueBlock.value
    const named = v2 && first instanceof asn1js.Sequence
    const oid = named
      ? (first.valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString()
      : undefined
    const algorithm = oid ? HASHES[oid] : v2 ? 'sha256' : 'sha1'
    if (!algorithm)
      return `its signing-certificate attribute uses a hash this verifier does not know (${oid})`
    const hash = (named ? second : first) as asn1js.OctetString
    return { algorithm, hash: Buffer.from(hash.valueBlock.valueHexView) }
  } catch {
    return 'its signing-certificate attribute cannot be read'
  }
}

/** Whether the certificate that verified the token is the one its signed ESS attribute names. */
function essProblem(signed: pkijs.SignedData, certificate: pkijs.Certificate): string | null {
  const named = essCertificateHash(signed)
  if (typeof named === 'string') return named
  if (crypto.createHash(named.algorithm).update(derOf(certificate)).digest().equals(named.hash)) return null
  return `the certificate that verifies it is not the one its signed attribute names (ESS ${named.algorithm} hash): another certificate for the authority's key`
}

/**
 * Checks a token offline: it stamps SHA-256(bytes), its CMS signature holds, and the
 * signing certificate is one of `trusted` or chains to one, was valid at the stamped
 * time, is for time-stamping and is the one the token's signed ESS attribute names by its
 * hash (so no other certificate for the same key can stand in for it). Without a trusted
 * certificate the token proves nothing. Revocation is not checked: offline, with no CRL or
 * OCSP answer at hand, a certificate revoked since is taken as it was issued.
 */
export async function verifyToken(
  token: Buffer,
  bytes: Buffer,
  trusted: pkijs.Certificate[]
): Promise<TimestampVerdict> {
  let parts: TokenParts
  try {
    parts = tokenParts(token)
  } catch (error: any) {
    return { status: 'invalid', reason: `the token cannot be read: ${error.message}` }
  }
  const { signed, info } = parts
  const time = info.genTime.toISOString()
  const problem = imprintProblem(info, crypto.createHash('sha256').update(bytes).digest())
  if (problem) return { status: 'invalid', reason: problem }
  if (trusted.length === 0)
    return {
      status: 'unverified',
      time,
      reason: `it says ${time}, but no authority's certificate was given to check it with (--tsa-cert)`
    }
  // A token may leave out the certificates; the trusted ones then name the signer
  signed.certificates = [...(signed.certificates ?? []), ...trusted]
  try {
    // PKI.js checks the token's imprint against these bytes too
    const data = arrayBufferOf(bytes)
    // An authority's own certificate given as trusted is trusted as it is: PKI.js builds
    // paths only up to a root, so it is checked here for its dates at the stamped time
    const found = await signed.verify({ signer: 0, data, checkChain: false, extendedMode: true })
    const direct =
      found.signerCertificate && trusted.some((t) => sameCertificate(t, found.signerCertificate!))
    if (direct && !validAt(found.signerCertificate!, info.genTime))
      return { status: 'invalid', reason: `its signing certificate was not valid at ${time}` }
    const result = direct
      ? found
      : await signed.verify({
          signer: 0,
          data,
          trustedCerts: trusted,
          checkChain: true,
          checkDate: info.genTime,
          extendedMode: true
        })
    if (!result.signatureVerified || !result.signerCertificate)
      return { status: 'invalid', reason: `its signature does not hold: ${result.message}` }
    if (!stampsTime(result.signerCertificate))
      return { status: 'invalid', reason: 'it is signed by a certificate that is not for time-stamping' }
    const ess = essProblem(signed, result.signerCertificate)
    if (ess) return { status: 'invalid', reason: ess }
    return { status: 'verified', time, authority: subjectOf(result.signerCertificate) }
  } catch (error: any) {
    return {
      status: 'invalid',
      reason: `its signature does not hold for the trusted authority: ${error?.message ?? error}`
    }
  }
}
