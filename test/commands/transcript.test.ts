import assert from 'assert'
import { exportTranscript } from '../../src/commands/transcript'
import { useServer } from '../helpers/app'
import { runTool } from '../helpers/evidence'
import { buildUser } from '../helpers/factories'
import { bookingChannel, bookingWorld } from '../helpers/fixtures'
import type { BookingWorld, TestUser } from '../helpers/factories'
import type { Transcript } from '../../src/modules/messaging/services/transcripts/transcripts.schema'

const MESSAGES = 105

describe('transcript export', function () {
  this.timeout(120_000)

  const server = useServer()
  let world: BookingWorld
  let newSupervisor: TestUser
  let channelId: number
  let deletedId: number

  before(async () => {
    const { app } = server
    ;({ world, channelId } = await bookingChannel(app))

    // More than one page of messages, from two senders
    for (let i = 1; i <= MESSAGES; i++) {
      const sender = i % 2 ? world.worker : world.supervisor
      const message = await app
        .service('messages')
        .create({ channel_id: channelId, content: `message ${i}` }, { user: sender })
      assert.strictEqual(message.seq, i)
    }
    // One soft-deleted message, by its sender
    const [toDelete] = (await app.service('messages').find({ query: { channel_id: channelId, seq: 7 } })).data
    const deleted = await app.service('messages').remove(toDelete.id, { user: world.worker })
    assert.strictEqual(deleted.is_deleted, true)
    deletedId = toDelete.id

    // The supervisor is replaced: the old one stays on record as a removed participant
    newSupervisor = await buildUser(app)
    await app.service('bookings').patch(world.booking.id, { supervisor_id: newSupervisor.id })
  })

  it('exports the channel, every participant (removed ones too) and every message (deleted ones too) in seq order', async () => {
    const transcript = await exportTranscript(server.app, 'booking', world.booking.id)

    assert.strictEqual(transcript.channel.id, channelId)
    assert.strictEqual(transcript.channel.context_type, 'booking')
    assert.strictEqual(transcript.channel.context_id, world.booking.id)
    assert.strictEqual(transcript.channel.last_seq, MESSAGES)
    assert.ok(!('unread_count' in transcript.channel), 'no caller-specific view fields in the record')
    assert.ok(!Number.isNaN(Date.parse(transcript.exported_at)))

    // Six from the booking, plus the new supervisor; the old one kept with removed_at
    const byUser = new Map(transcript.participants.map((participant) => [participant.user_id, participant]))
    assert.strictEqual(transcript.participants.length, 7)
    for (const person of [
      world.worker,
      world.borrowerAdmin,
      world.borrowerManager,
      world.lenderAdmin,
      world.lenderManager
    ]) {
      assert.strictEqual(
        byUser.get(person.id)?.removed_at,
        null,
        `user ${person.id} is a current participant`
      )
    }
    const oldSupervisor = byUser.get(world.supervisor.id)
    assert.ok(oldSupervisor, 'the replaced supervisor is in the transcript')
    assert.strictEqual(oldSupervisor.role, 'supervisor')
    assert.ok(oldSupervisor.removed_at, 'the replaced supervisor is marked removed')
    const currentSupervisor = byUser.get(newSupervisor.id)
    assert.ok(currentSupervisor)
    assert.strictEqual(currentSupervisor.role, 'supervisor')
    assert.strictEqual(currentSupervisor.removed_at, null)
    assert.ok(!byUser.has(world.outsider.id))

    // Every message, across pages, in order, with the deleted one's words kept
    assert.strictEqual(transcript.messages.length, MESSAGES)
    assert.deepStrictEqual(
      transcript.messages.map((message) => message.seq),
      Array.from({ length: MESSAGES }, (_, i) => i + 1)
    )
    transcript.messages.forEach((message, i) => {
      assert.strictEqual(message.content, `message ${i + 1}`)
      assert.strictEqual(message.channel_id, channelId)
    })
    const deleted = transcript.messages.find((message) => message.id === deletedId)
    assert.ok(deleted)
    assert.strictEqual(deleted.seq, 7)
    assert.strictEqual(deleted.is_deleted, true)
    assert.strictEqual(deleted.content, 'message 7')
    assert.ok(deleted.deleted_at)
    assert.strictEqual(transcript.messages.filter((message) => message.is_deleted).length, 1)
  })

  it('fails for a context that has no channel', async () => {
    const booking = await bookingWorld(server.app)
    await assert.rejects(exportTranscript(server.app, 'booking', booking.booking.id), /No channel/)
  })

  describe('the command line', () => {
    it('prints the transcript of --context booking:<id> as JSON', async () => {
      const run = await runTool('transcript', ['--context', `booking:${world.booking.id}`])
      assert.strictEqual(run.code, 0, run.stderr)
      const printed: Transcript = JSON.parse(run.stdout)
      const direct = await exportTranscript(server.app, 'booking', world.booking.id)
      const { exported_at: _exportedAt, ...expected } = direct
      const { exported_at: printedAt, ...actual } = printed
      assert.ok(!Number.isNaN(Date.parse(printedAt)))
      assert.deepStrictEqual(actual, JSON.parse(JSON.stringify(expected)))
      assert.strictEqual(printed.messages.length, MESSAGES)
      assert.ok(printed.participants.some((p) => p.user_id === world.supervisor.id && p.removed_at))
      assert.ok(printed.messages.some((m) => m.id === deletedId && m.is_deleted && m.content === 'message 7'))
    })

    it('exits non-zero with a usage message for a bad --context argument', async () => {
      for (const args of [['--context', 'booking:abc'], []]) {
        const run = await runTool('transcript', args)
        assert.notStrictEqual(run.code, 0, `args ${JSON.stringify(args)} exit non-zero`)
        assert.match(run.stderr, /usage/i, `args ${JSON.stringify(args)} print the usage`)
        assert.strictEqual(run.stdout.trim(), '')
      }
    })

    it('exits non-zero for an unknown booking', async () => {
      const run = await runTool('transcript', ['--context', 'booking:987654321'])
      assert.notStrictEqual(run.code, 0)
      assert.match(run.stderr, /987654321/)
      assert.strictEqual(run.stdout.trim(), '')
    })
  })
})
