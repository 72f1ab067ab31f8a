import fs from 'fs'
import { describeCheck, verifyChain } from '../modules/messaging/evidence/chain'
import type { ChainCheck } from '../modules/messaging/evidence/chain'
import type { ChainRecord } from '../modules/messaging/evidence/chain-encoding'
import { checkExtends, describeConsistency } from '../modules/messaging/evidence/consistency'
import { parseStrictJson } from '../modules/messaging/evidence/strict-json'
import { readKeyList, trustedKeyFile, verifySignature } from '../modules/messaging/evidence/trust'
import type { SignatureVerdict, TrustedKey } from '../modules/messaging/evidence/trust'
import type { TranscriptSignature } from '../modules/messaging/evidence/signature'
import {
  CHECKPOINT_FORMAT,
  checkExtendsCheckpoint,
  checkpointShapeProblem,
  checkpointSignedBytes,
  timestampedBytes
} from '../modules/messaging/evidence/checkpoint'
import type { CheckpointDocument } from '../modules/messaging/evidence/checkpoint'
import { readCertificate, verifyToken } from '../modules/messaging/evidence/rfc3161'
import type { TimestampVerdict } from '../modules/messaging/evidence/rfc3161'

/**
 * What the two verify commands share: their exit codes, how they read a transcript file
 * and the keys they are told to trust, and how they judge a signature and a comparison.
 */

/** The exit codes; when several findings hold, the code is the first of 2, 1, 3 that applies. */
export const EXIT = {
  /** the chain holds, every signature is by a trusted key within its dates, and any --against is extended */
  VERIFIED: 0,
  /** a finding against the record: a broken chain, a wrong signature, a record that does not extend the older one */
  BROKEN: 1,
  /** nothing was checked: bad usage, a file or key that cannot be read, duplicate JSON keys, no such channel */
  REFUSED: 2,
  /** the chain holds, but nothing proves who signed: no signature, or no trusted key given */
  UNVERIFIED: 3
} as const

export const EXIT_CODES_HELP = `Exit codes (when several apply, 2 before 1 before 3):
  0  valid and verified: the chain holds, each signature is by a trusted key within its dates,
     and with --against the record extends the older one
  1  broken: a link, count, deletion or membership does not match the chain, a signature is
     invalid, by an untrusted key or outside its key's dates, key_id is not the key's, or the
     record does not extend the older one
  2  refused: bad usage, a file or key that cannot be read, a JSON object with a repeated key,
     a document that is not a transcript, a channel that does not exist
  3  unverified: the chain holds, but no signature, or no trusted key (--public-key, --keys)
     to check it with`

export const TRUST_OPTIONS_HELP = `  --public-key key.pem   a published Ed25519 public key to trust (repeatable)
  --keys keys.json       published keys with their dates:
                         {"keys": [{"key_id": "<sha-256 of the DER key, hex>", "public_key": "<PEM>",
                                    "not_before": "2026-01-01T00:00:00Z", "not_after": null}]}
  --tsa-cert tsa.pem     the certificate of a time-stamp authority to trust (or of its CA), for the
                         RFC 3161 token of a checkpoint (repeatable)`

export const trustOptions = {
  'public-key': { type: 'string', multiple: true },
  keys: { type: 'string' },
  'tsa-cert': { type: 'string', multiple: true },
  against: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

/** A thrown Refused exits with code 2: the input could not be checked at all. */
export class Refused extends Error {}

export type TranscriptFile = ChainRecord & {
  format?: string
  exported_at?: string
  signature?: TranscriptSignature | null
  channel: ChainRecord['channel'] & { context_type?: string; context_id?: number }
}

// 1: exported before names were chained (every entry is format 1); 2: entries say their format
const TRANSCRIPT_FORMATS = ['context-chat-transcript/1', 'context-chat-transcript/2']

/** A transcript file, read strictly: not JSON, a repeated key or another shape refuse it. */
export function readTranscriptFile(file: string): TranscriptFile {
  try {
    const document = parseStrictJson(fs.readFileSync(file, 'utf8'))
    const shaped =
      TRANSCRIPT_FORMATS.includes(document?.format) &&
      ['messages', 'events', 'participants'].every((field) => Array.isArray(document[field])) &&
      typeof document.channel?.id === 'number'
    if (!shaped) throw new Error(`not a context-chat transcript (format ${TRANSCRIPT_FORMATS.join(' or ')})`)
    return document
  } catch (error: any) {
    throw new Refused(`${file}: ${error.message}`)
  }
}

export type CheckpointFile = CheckpointDocument

/** An earlier state to compare with: an export, or a checkpoint a party kept. */
export type EarlierState =
  { kind: 'transcript'; document: TranscriptFile } | { kind: 'checkpoint'; document: CheckpointFile }

/** A transcript or a checkpoint file, read strictly, told apart by its `format`. */
export function readEarlierState(file: string): EarlierState {
  let document: any
  try {
    document = parseStrictJson(fs.readFileSync(file, 'utf8'))
  } catch (error: any) {
    throw new Refused(`${file}: ${error.message}`)
  }
  if (document?.format !== CHECKPOINT_FORMAT)
    return { kind: 'transcript', document: readTranscriptFile(file) }
  const problem = checkpointShapeProblem(document)
  if (problem) throw new Refused(`${file}: ${problem}`)
  return { kind: 'checkpoint', document }
}

/** The time-stamp authorities' certificates given on the command line. */
export function trustedAuthorities(values: { 'tsa-cert'?: string[] }) {
  try {
    return (values['tsa-cert'] ?? []).map((file) => readCertificate(fs.readFileSync(file)))
  } catch (error: any) {
    throw new Refused(`--tsa-cert: not a certificate (${error.message})`)
  }
}

export function timestampLine(name: string, verdict: TimestampVerdict) {
  if (verdict.status === 'verified')
    return `Timestamp of ${name} verified: RFC 3161 token of ${verdict.time} by ${verdict.authority}, a trusted authority`
  return `Timestamp of ${name} ${verdict.status === 'invalid' ? 'INVALID' : 'UNVERIFIED'}: ${verdict.reason}`
}

/** The keys given on the command line; none means nothing is trusted. */
export function trustedKeys(values: { 'public-key'?: string[]; keys?: string }): TrustedKey[] {
  try {
    return [
      ...(values['public-key'] ?? []).map(trustedKeyFile),
      ...(values.keys ? readKeyList(values.keys) : [])
    ]
  } catch (error: any) {
    throw new Refused(error.message)
  }
}

export function signatureLine(name: string, verdict: SignatureVerdict) {
  if (verdict.status === 'verified')
    return `Signature of ${name} verified: Ed25519 key ${verdict.key_id}, a trusted key within its dates`
  return `Signature of ${name} ${verdict.status === 'invalid' ? 'INVALID' : 'UNVERIFIED'}: ${verdict.reason}`
}

/** Collects lines and the worst finding so far. */
export class Findings {
  lines: string[] = []
  private broken = false
  private unverified = false

  chain(name: string, record: ChainRecord) {
    this.checked(name, record.channel.id, verifyChain(record))
  }

  /** A chain check made elsewhere (the live database's, by the history-checks service). */
  checked(name: string, channelId: number, check: ChainCheck) {
    this.lines.push(...describeCheck(channelId, check).map((line, at) => (at ? line : `${name}: ${line}`)))
    this.broken ||= !check.valid
  }

  signature(name: string, document: TranscriptFile, trusted: TrustedKey[]) {
    const verdict = verifySignature(document, trusted)
    this.lines.push(signatureLine(name, verdict))
    this.broken ||= verdict.status === 'invalid'
    this.unverified ||= verdict.status === 'unverified'
  }

  /** The older record, on its own, then whether `newer` extends it. */
  against(
    newer: ChainRecord,
    newerName: string,
    older: TranscriptFile,
    olderName: string,
    trusted: TrustedKey[]
  ) {
    this.chain(olderName, older)
    this.signature(olderName, older, trusted)
    const consistency = checkExtends(newer, older)
    this.lines.push(...describeConsistency(consistency, newerName, olderName))
    this.broken ||= !consistency.extends
  }

  /** A checkpoint a party kept: its signature, its time-stamp, then whether `newer` passes through its head. */
  async againstCheckpoint(
    newer: ChainRecord,
    newerName: string,
    checkpoint: CheckpointFile,
    name: string,
    trusted: TrustedKey[],
    authorities: Awaited<ReturnType<typeof trustedAuthorities>>
  ) {
    const verdict = verifySignature(checkpoint, trusted, {
      bytes: checkpointSignedBytes(checkpoint),
      signedAt: checkpoint.time
    })
    this.lines.push(signatureLine(name, verdict))
    this.broken ||= verdict.status === 'invalid'
    this.unverified ||= verdict.status === 'unverified'
    if (checkpoint.timestamp) {
      const stamped = await verifyToken(
        Buffer.from(checkpoint.timestamp.token, 'base64'),
        timestampedBytes(checkpoint),
        authorities
      )
      this.lines.push(timestampLine(name, stamped))
      this.broken ||= stamped.status === 'invalid'
      this.unverified ||= stamped.status === 'unverified'
    } else {
      this.lines.push(`Timestamp of ${name}: none (its time is only the signer's word)`)
    }
    const consistency = checkExtendsCheckpoint(newer, checkpoint)
    this.lines.push(...describeConsistency(consistency, newerName, name))
    this.broken ||= !consistency.extends
  }

  get code(): number {
    return this.broken ? EXIT.BROKEN : this.unverified ? EXIT.UNVERIFIED : EXIT.VERIFIED
  }

  get verdict(): string {
    if (this.broken) return `Result: BROKEN (exit ${EXIT.BROKEN})`
    if (this.unverified)
      return `Result: UNVERIFIED (exit ${EXIT.UNVERIFIED}): the chain holds, but nothing here proves who signed it`
    return `Result: VERIFIED (exit ${EXIT.VERIFIED})`
  }
}
