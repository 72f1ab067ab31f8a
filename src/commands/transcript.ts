import { createApp } from '../app'
import type { Application } from '../declarations'
import type { ContextType } from '../modules/messaging/services/channels/channels.schema'

const PAGE = 100

/**
 * The complete history of one context's channel as legal evidence: every message,
 * deleted ones included, and every participant, removed ones included. Internal
 * service calls (no provider) see everything.
 */
export async function exportTranscript(app: Application, contextType: ContextType, contextId: number) {
  const channels = await app.service('channels').find({ query: { context_type: contextType, context_id: contextId } })
  const channel = channels.data[0]
  if (!channel) throw new Error(`No channel for ${contextType} ${contextId}`)
  // The channel's record, without what belongs to one caller's view of it
  const {
    unread_count: _unread,
    last_read_at: _readAt,
    last_read_seq: _readSeq,
    participant_id: _participant,
    last_message: _last,
    ...channelRecord
  } = channel

  const participants = []
  for (let skip = 0; ; skip += PAGE) {
    const page = await app
      .service('participants')
      .find({ query: { channel_id: channel.id, $withRemoved: true, $limit: PAGE, $skip: skip } })
    participants.push(...page.data)
    if (skip + PAGE >= page.total) break
  }

  const messages = []
  for (let after = 0; ; ) {
    const page = await app.service('messages').find({
      query: { channel_id: channel.id, $withDeleted: true, seq: { $gt: after }, $sort: { seq: 1 }, $limit: PAGE }
    })
    messages.push(...page.data)
    if (page.data.length < PAGE) break
    after = page.data[page.data.length - 1].seq
  }

  return { exported_at: new Date().toISOString(), channel: channelRecord, participants, messages }
}

function parseContext(argv: string[]): [ContextType, number] {
  const index = argv.indexOf('--context')
  const match = /^(booking|dispute):(\d+)$/.exec(argv[index + 1] ?? '')
  if (index < 0 || !match) throw new Error('usage: npm run transcript -- --context booking:42 (or dispute:7)')
  return [match[1] as ContextType, Number(match[2])]
}

if (require.main === module) {
  const run = async () => {
    const [contextType, contextId] = parseContext(process.argv.slice(2))
    const app = createApp()
    try {
      const transcript = await exportTranscript(app, contextType, contextId)
      process.stdout.write(JSON.stringify(transcript, null, 2) + '\n')
    } finally {
      await app.teardown()
    }
  }
  run().catch((error) => {
    console.error(error.message)
    process.exit(1)
  })
}
