import { createApp } from '../app'
import { checkpointWorkOf } from '../modules/messaging/services/checkpoints/checkpoint-moments'
import { channelOf, parseContextArguments, runCommand } from './context-argument'

const USAGE = 'usage: npm run -s checkpoint -- --context booking:42 (or dispute:7) [--take] > checkpoint.json'

const HELP = `${USAGE}

Writes the channel's newest signed checkpoint as JSON, the file a party keeps and later
gives to verify-history --against or verify-transcript --against. With --take, takes one
of the channel's head now (as an admin's request) and writes that; with EVIDENCE_TSA_URL
set, the command waits for its RFC 3161 time-stamp token, or says on stderr that the
authority gave none (the scheduled pass tries again).`

function options(argv: string[]) {
  const parsed = parseContextArguments(argv, USAGE, {
    take: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' }
  })
  return parsed && { context: parsed.context, take: parsed.values.take === true }
}

/** The channel's newest checkpoint (or a new one), through the `checkpoints` service (internal calls). */
async function main() {
  const chosen = options(process.argv.slice(2))
  if (!chosen) {
    console.log(HELP)
    return 0
  }
  const app = createApp()
  try {
    const channelId = await channelOf(app, ...chosen.context)
    const checkpoints = app.service('checkpoints')
    if (chosen.take) {
      await checkpoints.create({ channel_id: channelId })
      await checkpointWorkOf(app).timestamps.settled()
    }
    const [newest] = (await checkpoints.find({ query: { channel_id: channelId, $limit: 1 } })).data
    if (!newest)
      throw new Error(`The channel of ${chosen.context.join(':')} has no checkpoint yet (--take makes one)`)
    const { checkpoint } = newest
    console.error(
      `${checkpoint.signature ? `Signed with Ed25519 key ${checkpoint.signature.key_id}` : 'Not signed: EVIDENCE_SIGNING_KEY was not set'}; ` +
        `${checkpoint.timestamp ? 'time-stamped (RFC 3161)' : 'no time-stamp token'}; head ${checkpoint.head} at seq ${checkpoint.seq}, event_seq ${checkpoint.event_seq}`
    )
    process.stdout.write(JSON.stringify(checkpoint, null, 2) + '\n')
    return 0
  } finally {
    await app.teardown()
  }
}

if (require.main === module) runCommand(main)
