import { parseArgs } from 'util'
import { createApp } from '../app'
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
    const summary = `channel ${check.channel_id}: ${check.messages} messages, ${check.events} events, head ${check.head}`
    if (check.valid) {
      console.log(`Chain valid: ${summary}`)
      return 0
    }
    console.log(`Chain BROKEN: ${summary}`)
    for (const problem of check.problems) console.log(`  ${problem.entry}: ${problem.reason}`)
    return 1
  } finally {
    await app.teardown()
  }
}

if (require.main === module) runCommand(main)
