import { parseArgs } from 'util'
import { createApp } from '../app'
import { describeCheck } from '../modules/messaging/evidence/chain'
import { channelOf, parseContext, runCommand } from './context-argument'

const USAGE = 'usage: npm run verify-history -- --context booking:42 (or dispute:7)'

/**
 * Checks one channel's rows in the live database against their hash chain, through
 * the `history-checks` service: exit 0 if they hold, 1 naming each entry that breaks.
 */
async function main() {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { context: { type: 'string' } } })
  const context = parseContext(values.context)
  if (!context) throw new Error(USAGE)
  const app = createApp()
  try {
    const check = await app.service('history-checks').get(await channelOf(app, ...context))
    describeCheck(check.channel_id, check).forEach((line) => console.log(line))
    return check.valid ? 0 : 1
  } finally {
    await app.teardown()
  }
}

if (require.main === module) runCommand(main)
