import fs from 'fs'
import { parseArgs } from 'util'
import { describeCheck, verifyChain } from '../modules/messaging/evidence/chain'
import type { ChainRecord } from '../modules/messaging/evidence/chain-encoding'
import { checkSignature, loadPublicKey } from '../modules/messaging/evidence/signature'
import type { SignatureCheck } from '../modules/messaging/evidence/signature'
import { runCommand } from './context-argument'

const USAGE = 'usage: npm run verify-transcript -- transcript.json [--public-key key.pem]'

/** Exit codes: 0 verified, 1 the chain or the signature fails, 2 the file or key cannot be read. */
const UNREADABLE = 2

function readTranscript(file: string): ChainRecord & { format?: string; signature?: any } {
  const document = JSON.parse(fs.readFileSync(file, 'utf8'))
  const shaped =
    document?.format === 'context-chat-transcript/1' &&
    ['messages', 'events', 'participants'].every((field) => Array.isArray(document[field])) &&
    typeof document.channel?.id === 'number'
  if (!shaped) throw new Error(`${file} is not a context-chat transcript (format context-chat-transcript/1)`)
  return document
}

const signatureLine = (check: SignatureCheck) => {
  if (check.status !== 'valid')
    return `Signature ${check.status === 'unsigned' ? 'absent' : 'INVALID'}: ${check.reason}`
  return check.trusted
    ? `Signature valid: Ed25519 key ${check.key_id}, the given public key`
    : `Signature valid for the key the file names (${check.key_id}): compare it with the operator's published key id, or pass --public-key`
}

/**
 * Verifies a transcript offline, with nothing but the file (and the operator's
 * published public key): recomputes the hash chain from the messages and events,
 * checks the deletions and membership intervals against it, and checks the Ed25519
 * signature. Says exactly which entry breaks.
 */
async function main() {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { 'public-key': { type: 'string' } },
    allowPositionals: true
  })
  if (positionals.length !== 1) throw new Error(USAGE)
  let transcript: ReturnType<typeof readTranscript>
  let trustedKey
  try {
    transcript = readTranscript(positionals[0])
    trustedKey = values['public-key'] ? loadPublicKey(values['public-key']) : undefined
  } catch (error: any) {
    console.error(error.message)
    return UNREADABLE
  }

  const chain = verifyChain(transcript)
  const signature = checkSignature(transcript, trustedKey)
  describeCheck(transcript.channel.id, chain).forEach((line) => console.log(line))
  console.log(signatureLine(signature))
  const signatureHolds = signature.status === 'valid' || (signature.status === 'unsigned' && !trustedKey)
  return chain.valid && signatureHolds ? 0 : 1
}

if (require.main === module) runCommand(main)
