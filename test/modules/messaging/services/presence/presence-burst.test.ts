import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildUser } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'

// When an instance restarts, its clients all come back within seconds
const RECONNECTING = 300

describe('presence when many people come back at once', function () {
  this.timeout(60_000)
  const server = useServer()

  it('records every transition in a few statements, each with the person’s own channels', async () => {
    const { world, channel } = await bookingChannel(server.app)
    const others = await Promise.all(Array.from({ length: RECONNECTING - 2 }, () => buildUser(server.app)))
    const people = [world.worker, world.supervisor, ...others]
    const db = server.app.get('postgresqlClient')
    let presenceWrites = 0
    const count = ({ sql }: { sql: string }) => void (/user_presence/.test(sql) && presenceWrites++)
    db.on('query', count)
    try {
      const presence = server.app.service('presence')
      const transitions = await Promise.all(
        people.map((person, i) => presence.recordTransition(person.id, i % 2 === 0))
      )

      assert.ok(presenceWrites <= 5, `${presenceWrites} statements wrote ${RECONNECTING} transitions`)
      transitions.forEach(({ status, channelIds }, i) => {
        assert.strictEqual(status.user_id, people[i].id)
        assert.strictEqual(status.online, i % 2 === 0, 'each keeps its own direction')
        assert.ok(Date.parse(status.last_seen_at!) > 0)
        assert.deepStrictEqual(channelIds, i < 2 ? [channel.id] : [], `person ${i}'s channels`)
      })
      const rows = await db('user_presence')
        .whereIn(
          'user_id',
          people.map((person) => person.id)
        )
        .count({ n: '*' })
      assert.strictEqual(Number(rows[0].n), RECONNECTING)
    } finally {
      db.off('query', count)
    }
  })

  it('writes the same person twice in one batch as one row, and answers both callers', async () => {
    const [someone, person] = await Promise.all([buildUser(server.app), buildUser(server.app)])
    const presence = server.app.service('presence')
    // The first goes at once; the two behind it share the next batch (one upsert may not touch a row twice)
    const [, first, second] = await Promise.all([
      presence.recordTransition(someone.id, true),
      presence.recordTransition(person.id, true),
      presence.recordTransition(person.id, false)
    ])
    assert.deepStrictEqual([first.status.online, second.status.online], [true, false])
    assert.strictEqual(first.status.last_seen_at, second.status.last_seen_at, 'written once')
  })
})
