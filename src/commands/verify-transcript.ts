import { parseArgs } from 'util'
import {
  EXIT,
  EXIT_CODES_HELP,
  Findings,
  TRUST_OPTIONS_HELP,
  readEarlierState,
  readTranscriptFile,
  trustOptions,
  trustedAuthorities,
  trustedKeys
} from './evidence-input'
import { runCommand } from './context-argument'

const USAGE =
  'usage: npm run verify-transcript -- transcript.json [--public-key key.pem ...] [--keys keys.json] [--against older.json|checkpoint.json [--tsa-cert tsa.pem ...]]'

const HELP = `${USAGE}

Checks a transcript offline: recomputes its hash chain, checks its signature against the
keys you trust (none by default: a key the file carries proves nothing about who made it),
and with --against proves that it extends an older export of the same channel.

${TRUST_OPTIONS_HELP}
  --against older.json   an earlier export of the same channel: this one must hold all its
                         entries, in order, up to its head (checked, and its signature too);
                         or a checkpoint of the channel: this one must pass through its head

${EXIT_CODES_HELP}`

/**
 * Verifies a transcript offline, with nothing but the file and the operator's published
 * keys: the chain entry by entry, the signature against trusted keys only, and, given an
 * older export, that this one extends it. Says exactly which entry breaks.
 */
async function main() {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: trustOptions,
    allowPositionals: true
  })
  if (values.help) {
    console.log(HELP)
    return EXIT.VERIFIED
  }
  if (positionals.length !== 1) throw new Error(`${USAGE}\n(--help for the exit codes)`)
  const trusted = trustedKeys(values)
  const transcript = readTranscriptFile(positionals[0])
  const authorities = trustedAuthorities(values)
  const older = values.against ? readEarlierState(values.against) : undefined

  const findings = new Findings()
  findings.chain(positionals[0], transcript)
  findings.signature(positionals[0], transcript, trusted)
  if (older?.kind === 'checkpoint')
    await findings.againstCheckpoint(
      transcript,
      positionals[0],
      older.document,
      values.against!,
      trusted,
      authorities
    )
  else if (older) findings.against(transcript, positionals[0], older.document, values.against!, trusted)
  findings.lines.forEach((line) => console.log(line))
  console.log(findings.verdict)
  return findings.code
}

if (require.main === module) runCommand(main, EXIT.REFUSED)
