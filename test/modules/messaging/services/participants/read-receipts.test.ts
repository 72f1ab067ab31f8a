import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { nextEvent, recordEvents, sleep } from '../../../../helpers/clients'
import { QUIET_MS, rejectsWithCode } from '../../../../helpers/assertions'
import { participantsOf } from './queries'
import type { Participant } from '../../../../../src/modules/messaging/services/participants/participants.schema'
import { useBookingChannelWithClients } from '../../../../helpers/fixtures'

describe('participants', () => {
  const server = useServer()

  describe('read receipts and mute', () => {
    const { world, channel, clients } = useBookingChannelWithClients(server, {
      connected: ['worker', 'supervisor', 'outsider']
    })
    let workerRow: Participant
    let supervisorRow: Participant

    before(async () => {
      for (const content of ['one', 'two', 'three']) {
        await clients.supervisor.service('messages').create({ channel_id: channel.id, content })
      }
      const rows = await participantsOf(clients.worker, channel.id)
      workerRow = rows.find((row) => row.user_id === world.worker.id)!
      supervisorRow = rows.find((row) => row.user_id === world.supervisor.id)!
      assert.strictEqual(workerRow.last_read_seq, 0)
    })

    it("sends 'participants patched' to the other participants when one marks the channel read", async () => {
      const outsiderSaw = recordEvents(clients.outsider, 'participants', 'patched')
      const receipt = nextEvent(clients.supervisor, 'participants', 'patched', (p) => p.id === workerRow.id)
      const result = await clients.worker.service('participants').patch(workerRow.id, { last_read_seq: 2 })
      assert.strictEqual(result.last_read_seq, 2)
      assert.ok(result.last_read_at, 'last_read_at is set')
      const seen = await receipt
      assert.strictEqual(seen.user_id, world.worker.id)
      assert.strictEqual(seen.channel_id, channel.id)
      assert.strictEqual(seen.last_read_seq, 2)
      await sleep(QUIET_MS)
      assert.deepStrictEqual(outsiderSaw, [])
    })

    it('never moves the read position back', async () => {
      const result = await clients.worker.service('participants').patch(workerRow.id, { last_read_seq: 1 })
      assert.strictEqual(result.last_read_seq, 2)
      const [row] = await participantsOf(clients.supervisor, channel.id, { user_id: world.worker.id })
      assert.strictEqual(row.last_read_seq, 2)
    })

    it("clamps a read position beyond the last message to the channel's last_seq", async () => {
      const current = await clients.worker.service('channels').get(channel.id)
      assert.strictEqual(current.last_seq, 3)
      const result = await clients.worker.service('participants').patch(workerRow.id, { last_read_seq: 1000 })
      assert.strictEqual(result.last_read_seq, 3)
      const [row] = await participantsOf(clients.worker, channel.id, { user_id: world.worker.id })
      assert.strictEqual(row.last_read_seq, 3)
      // ...so the next message still counts as unread
      await clients.supervisor.service('messages').create({ channel_id: channel.id, content: 'four' })
      const [view] = (
        await clients.worker
          .service('channels')
          .find({ query: { context_type: 'booking', context_id: world.booking.id } })
      ).data
      assert.strictEqual(view.unread_count, 1)
    })

    it("refuses to patch another participant's row with 403", async () => {
      const before = (
        await participantsOf(clients.supervisor, channel.id, { user_id: world.supervisor.id })
      )[0]
      await rejectsWithCode(
        clients.worker.service('participants').patch(supervisorRow.id, { last_read_seq: 0 }),
        403
      )
      await rejectsWithCode(
        clients.worker.service('participants').patch(supervisorRow.id, { muted: true }),
        403
      )
      const after = (
        await participantsOf(clients.supervisor, channel.id, { user_id: world.supervisor.id })
      )[0]
      assert.deepStrictEqual(after, before)
    })

    it('shows whether a channel is muted to the participant who muted it only', async () => {
      await clients.worker.service('participants').patch(workerRow.id, { muted: true })
      try {
        const seenByOthers = await participantsOf(clients.supervisor, channel.id, {
          user_id: world.worker.id
        })
        assert.ok(!('muted' in seenByOthers[0]), JSON.stringify(seenByOthers[0]))
        assert.ok(!('muted' in (await clients.supervisor.service('participants').get(workerRow.id))))
        assert.strictEqual(
          (await participantsOf(clients.supervisor, channel.id, { user_id: world.supervisor.id }))[0].muted,
          false
        )
      } finally {
        await clients.worker.service('participants').patch(workerRow.id, { muted: false })
      }
    })

    it('sets muted and reads it back', async () => {
      const muted = await clients.worker.service('participants').patch(workerRow.id, { muted: true })
      assert.strictEqual(muted.muted, true)
      assert.strictEqual((await clients.worker.service('participants').get(workerRow.id)).muted, true)
      const [row] = await participantsOf(clients.worker, channel.id, { user_id: world.worker.id })
      assert.strictEqual(row.muted, true)
      const unmuted = await clients.worker.service('participants').patch(workerRow.id, { muted: false })
      assert.strictEqual(unmuted.muted, false)
      assert.strictEqual(
        (await participantsOf(clients.worker, channel.id, { user_id: world.worker.id }))[0].muted,
        false
      )
    })

    it("moves the sender's own read position to the message they send", async () => {
      await clients.supervisor.service('messages').create({ channel_id: channel.id, content: 'five' })
      const [before] = await participantsOf(clients.worker, channel.id, { user_id: world.worker.id })
      assert.ok(before.last_read_seq < 5, `worker had not read up to 5: ${before.last_read_seq}`)
      const sent = await clients.worker
        .service('messages')
        .create({ channel_id: channel.id, content: 'read it all' })
      const [after] = await participantsOf(clients.worker, channel.id, { user_id: world.worker.id })
      assert.strictEqual(after.last_read_seq, sent.seq)
      assert.ok(after.last_read_at, 'last_read_at is set')
    })
  })
})
