import crypto from 'crypto'
import fs from 'fs'
import { keyIdOf, loadPublicKey, signedBytes } from './signature'
import type { TranscriptSignature } from './signature'
import { parseStrictJson } from './strict-json'

/**
 * Which keys a verifier trusts, and the verdict on a signature against them. Nothing is
 * trusted by default: a key the file carries proves only that whoever holds it signed,
 * and anyone can make a key. Trust comes from outside the file: the operator's
 * published public keys (`--public-key`), or a list of them with the dates each was in
 * use (`--keys keys.json`).
 */
export interface TrustedKey {
  key_id: string
  key: crypto.KeyObject
  /** the first and last moment the key signs (ISO 8601 with a zone); null: no bound */
  not_before: string | null
  not_after: string | null
}

/** A time with an explicit zone, so a validity date means the same on every machine. */
const ZONED_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/
const HEX_ID = /^[0-9a-f]{64}$/

export class KeyListError extends Error {}

/** A published public key, PEM, trusted at any time. */
export function trustedKeyFile(path: string): TrustedKey {
  const key = loadPublicKey(path)
  return { key_id: keyIdOf(key), key, not_before: null, not_after: null }
}

function keyEntry(entry: any, at: number, file: string): TrustedKey {
  const where = `${file}, key ${at + 1}`
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw new KeyListError(`${where}: not an object`)
  const unknown = Object.keys(entry).filter(
    (name) => !['key_id', 'public_key', 'not_before', 'not_after', 'comment'].includes(name)
  )
  if (unknown.length) throw new KeyListError(`${where}: unknown field ${unknown.join(', ')}`)
  if (typeof entry.key_id !== 'string' || !HEX_ID.test(entry.key_id))
    throw new KeyListError(`${where}: key_id must be 64 lower-case hex digits`)
  let key: crypto.KeyObject
  try {
    key = crypto.createPublicKey(String(entry.public_key))
  } catch {
    throw new KeyListError(`${where}: public_key is not a PEM public key`)
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new KeyListError(`${where}: public_key is ${key.asymmetricKeyType}, not Ed25519`)
  if (keyIdOf(key) !== entry.key_id)
    throw new KeyListError(
      `${where}: key_id ${entry.key_id} is not the id of its public_key (${keyIdOf(key)})`
    )
  if (typeof entry.not_before !== 'string' || !ZONED_TIME.test(entry.not_before))
    throw new KeyListError(`${where}: not_before must be a time with its zone, e.g. 2026-01-01T00:00:00Z`)
  if (entry.not_after != null && (typeof entry.not_after !== 'string' || !ZONED_TIME.test(entry.not_after)))
    throw new KeyListError(`${where}: not_after must be null or a time with its zone`)
  if (entry.not_after != null && Date.parse(entry.not_after) < Date.parse(entry.not_before))
    throw new KeyListError(`${where}: not_after is before not_before`)
  return { key_id: entry.key_id, key, not_before: entry.not_before, not_after: entry.not_after ?? null }
}

/**
 * A key list: `{"keys": [{"key_id", "public_key" (PEM), "not_before", "not_after"}]}`, read
 * strictly (a repeated JSON key, an unknown field or a key_id that is not its key's refuse it).
 */
export function readKeyList(file: string): TrustedKey[] {
  const list = parseStrictJson(fs.readFileSync(file, 'utf8'))
  if (typeof list !== 'object' || list === null || !Array.isArray(list.keys) || list.keys.length === 0)
    throw new KeyListError(`${file}: expected {"keys": [ ... ]} with at least one key`)
  return list.keys.map((entry: unknown, at: number) => keyEntry(entry, at, file))
}

export type SignatureVerdict =
  /** signed by a trusted key, within its dates */
  | { status: 'verified'; key_id: string }
  /** the signature is wrong: the document changed, the key is not a trusted one, or was used outside its dates */
  | { status: 'invalid'; reason: string }
  /** nothing proves who made the document: no signature, or no trusted key to check it with */
  | { status: 'unverified'; reason: string }

const validity = (key: TrustedKey) =>
  `from ${key.not_before ?? 'any time'} until ${key.not_after ?? 'now (no end date)'}`

const within = (key: TrustedKey, time: number) =>
  (key.not_before === null || time >= Date.parse(key.not_before)) &&
  (key.not_after === null || time <= Date.parse(key.not_after))

/**
 * The verdict on a document's signature. The document's own `exported_at` is when the key
 * was used: it is inside the signed bytes, so it cannot be changed without breaking the
 * signature, but it is the signer's word (a leaked key can sign with any date).
 */
export function verifySignature(
  document: { signature?: TranscriptSignature | null; exported_at?: unknown },
  trusted: TrustedKey[],
  // another kind of document (a checkpoint) names its own signed bytes and the time it was signed
  kind: { bytes?: Buffer; signedAt?: unknown } = {}
): SignatureVerdict {
  const signature = document.signature as Partial<TranscriptSignature> | null | undefined
  if (signature === null || signature === undefined)
    return {
      status: 'unverified',
      reason: 'the transcript carries no signature (exported without a key, or the signature was removed)'
    }
  const shaped =
    signature.algorithm === 'Ed25519' &&
    ['public_key', 'key_id', 'value'].every((field) => typeof (signature as any)[field] === 'string')
  if (!shaped) return { status: 'invalid', reason: 'the signature is not an Ed25519 signature with its key' }
  let carried: crypto.KeyObject
  try {
    carried = crypto.createPublicKey(signature.public_key!)
  } catch {
    return { status: 'invalid', reason: 'the signature names no readable public key' }
  }
  if (carried.asymmetricKeyType !== 'ed25519')
    return { status: 'invalid', reason: `the signature's key is ${carried.asymmetricKeyType}, not Ed25519` }
  const keyId = keyIdOf(carried)
  if (signature.key_id !== keyId)
    return {
      status: 'invalid',
      reason: `its key_id ${signature.key_id} is not the id of the key that signed (${keyId})`
    }
  const value = Buffer.from(signature.value!, 'base64')
  let matches = false
  try {
    matches = crypto.verify(null, kind.bytes ?? signedBytes(document), carried, value)
  } catch {
    // a value of the wrong length: no signature at all
  }
  if (!matches)
    return {
      status: 'invalid',
      reason: 'the signature does not match the document: it was changed after signing, or forged'
    }
  if (trusted.length === 0)
    return {
      status: 'unverified',
      reason: `it holds for the key the file itself carries (${keyId}), which anyone can make: pass the operator's published key with --public-key or --keys`
    }
  const candidates = trusted.filter((key) => key.key_id === keyId)
  if (candidates.length === 0)
    return {
      status: 'invalid',
      reason: `signed by key ${keyId}, which is none of the trusted keys (${trusted.map((key) => key.key_id).join(', ')})`
    }
  const signedAt = 'signedAt' in kind ? kind.signedAt : document.exported_at
  const time = typeof signedAt === 'string' ? Date.parse(signedAt) : NaN
  if (Number.isNaN(time)) return { status: 'invalid', reason: 'the document names no time it was signed' }
  if (!candidates.some((key) => within(key, time)))
    return {
      status: 'invalid',
      reason: `key ${keyId} signed at ${signedAt}, outside its validity (${candidates.map(validity).join('; ')})`
    }
  return { status: 'verified', key_id: keyId }
}
