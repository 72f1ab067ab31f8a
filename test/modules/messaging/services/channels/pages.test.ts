import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildUser } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import type { TestUser } from '../../../../helpers/factories'
import { socketClient } from '../../../../helpers/clients'
import { statementsDuring } from '../../../../helpers/database'

describe('pages of the channel list', () => {
  const server = useServer()
  let reader: TestUser
  // The reader's channels, newest message first, and the unread messages of each
  const channels: Array<{ id: number; unread: number }> = []

  before(async () => {
    reader = await buildUser(server.app)
    for (const unread of [2, 0, 3]) {
      const { world, channelId: id } = await bookingChannel(server.app, {
        booking: { supervisor_id: reader.id }
      })
      for (let i = 0; i < unread; i++)
        await server.app
          .service('messages')
          .create({ channel_id: id, content: `news ${i}` }, { user: world.worker })
      // The reader's own message is never unread
      await server.app.service('messages').create({ channel_id: id, content: 'seen' }, { user: reader })
      for (let i = 0; i < unread; i++)
        await server.app
          .service('messages')
          .create({ channel_id: id, content: `more ${i}` }, { user: world.worker })
      channels.unshift({ id, unread })
    }
  })

  it('pages by $skip in order, each page with the unread counts and the totals over all channels', async () => {
    const client = await socketClient(server.url, reader)
    const pages = []
    for (let skip = 0; skip < 3; skip++)
      pages.push(await client.service('channels').find({ query: { $limit: 1, $skip: skip } }))
    assert.deepStrictEqual(
      pages.map((page) => [page.data[0].id, page.data[0].unread_count]),
      channels.map(({ id, unread }) => [id, unread])
    )
    for (const page of pages) assert.deepStrictEqual([page.total, page.total_unread, page.limit], [3, 5, 1])
  })

  it('answers the totals for a page past the last channel, and for $limit 0', async () => {
    const client = await socketClient(server.url, reader)
    const past = await client.service('channels').find({ query: { $limit: 2, $skip: 3 } })
    assert.deepStrictEqual([past.data, past.total, past.total_unread, past.skip], [[], 3, 5, 3])
    const badge = await client.service('channels').find({ query: { $limit: 0 } })
    assert.deepStrictEqual([badge.data, badge.total, badge.total_unread], [[], 3, 5])
  })

  it('sorts by creation, oldest first, when asked', async () => {
    const client = await socketClient(server.url, reader)
    const page = await client.service('channels').find({ query: { $sort: { created_at: 1 } } })
    assert.deepStrictEqual(
      page.data.map((view) => view.id),
      [...channels].reverse().map(({ id }) => id)
    )
  })

  it('reads a page and its totals in one statement over the channels, however many the reader has', async () => {
    const { statements } = await statementsDuring(server.app, () =>
      server.app
        .service('channels')
        .find({ query: { $limit: 2 }, user: reader, provider: 'rest', authenticated: true } as any)
    )
    assert.strictEqual(
      statements.filter((sql) => sql.includes('chat_channels')).length,
      1,
      statements.join('\n')
    )
  })
})
