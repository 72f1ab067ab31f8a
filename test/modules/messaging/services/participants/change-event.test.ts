import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildUser } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import type { DomainEventMap } from '../../../../../src/events'

describe('the chat.participants.changed event', () => {
  const server = useServer()

  it('names the channel, its status and who joined and left by ids and roles, nothing of the rows', async () => {
    const { world, channel } = await bookingChannel(server.app)
    const newcomer = await buildUser(server.app)
    const seen: DomainEventMap['chat.participants.changed'][] = []
    const stop = server.app.get('events').on('chat.participants.changed', (event) => void seen.push(event))
    await server.app.service('bookings').patch(world.booking.id, { supervisor_id: newcomer.id })
    stop()
    const rows = await server.app
      .get('postgresqlClient')('chat_participants')
      .where({ channel_id: channel.id })
    const rowOf = (userId: number, removed: boolean) =>
      rows.find((row) => row.user_id === userId && Boolean(row.removed_at) === removed)
    assert.deepStrictEqual(seen, [
      {
        channel_id: channel.id,
        status: 'active',
        status_changed: false,
        added: [{ participant_id: rowOf(newcomer.id, false).id, user_id: newcomer.id, role: 'supervisor' }],
        removed: [
          {
            participant_id: rowOf(world.supervisor.id, true).id,
            user_id: world.supervisor.id,
            role: 'supervisor'
          }
        ],
        updated: []
      }
    ])
  })
})
