import crypto from 'crypto'
import fs from 'fs'
import canonicalize from 'canonicalize'

/**
 * Ed25519 signatures over a transcript, with node's crypto. What is signed is the
 * document without its `signature` field, serialised by the JSON Canonicalization
 * Scheme (RFC 8785): whoever re-reads the file gets the same bytes whatever the
 * spacing or key order it was stored with.
 */
export interface TranscriptSignature {
  algorithm: 'Ed25519'
  /** the signer's public key, SPKI PEM: only the file's claim until compared with the published one */
  public_key: string
  /** SHA-256 of the public key's DER (SPKI) bytes, hex: what an operator publishes */
  key_id: string
  /** base64 */
  value: string
}

export type Signed<T> = T & { signature: TranscriptSignature | null }

/** The bytes signed: the document without its `signature`, by RFC 8785. */
export const signedBytes = (document: object) => {
  const { signature: _signature, ...unsigned } = document as { signature?: unknown }
  return Buffer.from(canonicalize(unsigned)!, 'utf8')
}

export const keyIdOf = (publicKey: crypto.KeyObject) =>
  crypto
    .createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')

/** The private key at a PEM path; refuses anything but Ed25519 rather than signing otherwise. */
export function loadSigningKey(path: string): crypto.KeyObject {
  let key: crypto.KeyObject
  try {
    key = crypto.createPrivateKey(fs.readFileSync(path))
  } catch (error: any) {
    throw new Error(`The evidence signing key ${path} cannot be read as a PEM private key: ${error.message}`)
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`The evidence signing key ${path} is ${key.asymmetricKeyType}, not Ed25519`)
  }
  return key
}

/** A public key at a PEM path; refuses anything but Ed25519. Trusting it is trust.ts's business. */
export function loadPublicKey(path: string): crypto.KeyObject {
  const key = crypto.createPublicKey(fs.readFileSync(path))
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`${path} is a ${key.asymmetricKeyType} key, not Ed25519`)
  return key
}

export function sign<T extends object>(document: T, privateKey: crypto.KeyObject): Signed<T> {
  const publicKey = crypto.createPublicKey(privateKey)
  const signature: TranscriptSignature = {
    algorithm: 'Ed25519',
    public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    key_id: keyIdOf(publicKey),
    value: crypto.sign(null, signedBytes(document), privateKey).toString('base64')
  }
  return { ...document, signature }
}
