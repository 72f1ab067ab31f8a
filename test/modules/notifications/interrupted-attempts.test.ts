import assert from 'assert'
import { useServer } from '../../helpers/app'
import { buildUser } from '../../helpers/factories'
import { bookingChannel } from '../../helpers/fixtures'
import { notificationsOf } from '../../../src/modules/notifications'
import { notificationSettings } from '../../helpers/notifications'

describe('an attempt whose worker vanished', function () {
  this.timeout(60_000)
  const server = useServer({ notifications: notificationSettings() })

  it('fails as interrupted and leaves its destination free for the next delivery', async () => {
    const db = server.app.get('postgresqlClient')
    const module = notificationsOf(server.app)
    let now = new Date('2026-11-24T12:00:00Z')
    module.clock.now = () => now
    const { delay_seconds, claim_seconds, coalesce_seconds } = server.app.get('notifications')
    const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000))
    const person = await buildUser(server.app, { phone: '+15554999101' })
    const { world, channel } = await bookingChannel(server.app, { booking: { supervisor_id: person.id } })
    const send = async (content: string) => {
      await server.app.service('messages').create({ channel_id: channel.id, content }, { user: world.worker })
      await module.planner.settled()
    }

    await send('first')
    // A worker claimed and marked it, then died before it could say how the SMS went
    const [planned] = await db('notifications').where({ user_id: person.id })
    await db('notifications')
      .where({ id: planned.id })
      .update({
        sending_at: now.toISOString(),
        claimed_until: new Date(now.getTime() + claim_seconds * 1000).toISOString()
      })
    later(claim_seconds + 1)
    await module.scheduler.runOnce()
    assert.strictEqual((await db('notifications').where({ id: planned.id }).first()).status, 'failed')

    // Past the coalescing window of the lost attempt, the next message gets its SMS
    later(coalesce_seconds + 1)
    await send('second')
    later(delay_seconds + 1)
    await module.scheduler.runOnce()
    const next = await db('notifications').where({ user_id: person.id }).whereNot({ id: planned.id }).first()
    assert.strictEqual(next.status, 'sent', `${next.status}: ${next.reason}`)
  })
})
