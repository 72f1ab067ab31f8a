import { parseArgs } from 'util'
import { createApp } from '../app'
import { describeCheck } from '../modules/messaging/evidence/chain'
import { readChannelRecord } from '../modules/messaging/evidence/record'
import {
  EXIT,
  EXIT_CODES_HELP,
  Findings,
  Refused,
  TRUST_OPTIONS_HELP,
  readEarlierState,
  trustOptions,
  trustedAuthorities,
  trustedKeys
} from './evidence-input'
import type { EarlierState } from './evidence-input'
import { channelOf, parseContext, runCommand } from './context-argument'

const USAGE =
  'usage: npm run verify-history -- --context booking:42 (or dispute:7) [--against export.json|checkpoint.json [--public-key key.pem ...] [--keys keys.json] [--tsa-cert tsa.pem ...]]'

const HELP = `${USAGE}

Checks one channel's rows in the live database against their hash chain. With --against,
also proves that the database still holds an earlier export's entries, in order, up to its
head: a history cut and re-chained, or recomputed link by link, by whoever owns the tables
is valid on its own but parts from the export. The export's own chain and signature are
checked too (--context may then be left out: the export names its channel). Given a
checkpoint (npm run checkpoint), the database must pass through its state with its head;
its signature and its RFC 3161 time-stamp token are checked too.

${TRUST_OPTIONS_HELP}

${EXIT_CODES_HELP}`

/** The context an export or a checkpoint names, as [type, id]. */
const namedBy = (older: EarlierState) =>
  older.kind === 'checkpoint'
    ? parseContext(older.document.context)!
    : [older.document.channel.context_type, older.document.channel.context_id]

/** The channel to check: --context, or the one the export names; both must agree. */
function contextOf(value: string | undefined, older: EarlierState | undefined) {
  const given = value === undefined ? undefined : parseContext(value)
  if (value !== undefined && !given) throw new Refused(`--context ${value} is not type:id\n${USAGE}`)
  const named = older && namedBy(older)
  if (given && named && (given[0] !== named[0] || given[1] !== named[1]))
    throw new Refused(`--context ${value} is not the export's channel (${named[0]}:${named[1]})`)
  const context = given ?? (named && parseContext(`${named[0]}:${named[1]}`))
  if (!context) throw new Refused(USAGE)
  return context
}

/**
 * Checks one channel's rows in the live database against their hash chain, through the
 * `history-checks` service, and against an earlier export when given one.
 */
async function main() {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { context: { type: 'string' }, ...trustOptions }
  })
  if (values.help) {
    console.log(HELP)
    return EXIT.VERIFIED
  }
  if (positionals.length) throw new Refused(USAGE)
  const trusted = trustedKeys(values)
  const authorities = trustedAuthorities(values)
  const older = values.against ? readEarlierState(values.against) : undefined
  const context = contextOf(values.context, older)
  const app = createApp()
  try {
    const channelId = await channelOf(app, ...context)
    const check = await app.service('history-checks').get(channelId)
    if (!older) {
      describeCheck(check.channel_id, check).forEach((line) => console.log(line))
      return check.valid ? EXIT.VERIFIED : EXIT.BROKEN
    }
    const findings = new Findings()
    findings.checked('the database', check.channel_id, check)
    // The rows read again, in one snapshot: entries added since the check only extend them
    const live = (await readChannelRecord(app.get('postgresqlClient'), channelId))!
    if (older.kind === 'checkpoint')
      await findings.againstCheckpoint(
        live,
        'the database',
        older.document,
        values.against!,
        trusted,
        authorities
      )
    else findings.against(live, 'the database', older.document, values.against!, trusted)
    findings.lines.forEach((line) => console.log(line))
    console.log(findings.verdict)
    return findings.code
  } finally {
    await app.teardown()
  }
}

if (require.main === module) runCommand(main, EXIT.REFUSED)
