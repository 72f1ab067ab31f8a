import fs from 'fs'
import { createApp } from '../app'
import type { Application } from '../declarations'
import type { ContextType } from '../modules/messaging/services/channels/channels.schema'
import type { Transcript } from '../modules/messaging/services/transcripts/transcripts.schema'
import { timeFormatter, transcriptHtml } from '../modules/messaging/evidence/html'
import { channelOf, parseContextArguments, runCommand } from './context-argument'

const USAGE =
  'usage: npm run -s transcript -- --context booking:42 (or dispute:7) [--html transcript.html] [--time-zone Europe/Berlin] > transcript.json'

/**
 * The complete record of one context's channel as legal evidence, through the
 * `transcripts` service (internal call): messages (deleted ones with their words),
 * events, participants with names and membership intervals, read positions, the chain,
 * and the signature when EVIDENCE_SIGNING_KEY names a key.
 */
export async function exportTranscript(
  app: Application,
  contextType: ContextType,
  contextId: number
): Promise<Transcript> {
  return app.service('transcripts').get(await channelOf(app, contextType, contextId))
}

function options(argv: string[]) {
  const { context, values } = parseContextArguments(
    argv,
    USAGE,
    { html: { type: 'string' }, 'time-zone': { type: 'string', default: 'UTC' } },
    (values) => timeFormatter(values['time-zone'])
  )!
  return { context, html: values.html, timeZone: values['time-zone'] }
}

async function main() {
  const { context, html, timeZone } = options(process.argv.slice(2))
  const app = createApp()
  try {
    const transcript = await exportTranscript(app, ...context)
    // Said before the JSON, so that a reader of both streams together finds the document whole after it
    console.error(
      transcript.signature
        ? `Signed with Ed25519 key ${transcript.signature.key_id}; chain head ${transcript.channel.chain_head}`
        : `Not signed: EVIDENCE_SIGNING_KEY is not set; chain head ${transcript.channel.chain_head}`
    )
    process.stdout.write(JSON.stringify(transcript, null, 2) + '\n')
    if (html) fs.writeFileSync(html, transcriptHtml(transcript, timeZone))
    return 0
  } finally {
    await app.teardown()
  }
}

if (require.main === module) runCommand(main)
