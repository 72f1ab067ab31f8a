import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildAdmin, buildUser } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import type { BookingWorld, TestUser } from '../../../../helpers/factories'
import { http, login, socketClient } from '../../../../helpers/clients'
import type { ErrorBody } from '../../../../helpers/clients'
import type { Message } from '../../../../../src/client'
import type { MessageSearchPage } from '../../../../../src/modules/messaging/services/messages/search'
import { countMessages } from '../../../../helpers/database'

// Words no other test writes, so that searches across channels see this file's messages only
const WORD = `zephyr${process.pid}`

// Search results with their words, as a participant reads them; other fields are checked to be absent
type SearchPage = Omit<MessageSearchPage, 'data'> & {
  data: (MessageSearchPage['data'][number] & { content: string } & Record<string, unknown>)[]
}

describe('message search ($search)', () => {
  const server = useServer()
  let world: BookingWorld
  let admin: TestUser
  let channelId: number
  let otherChannelId: number
  let workerToken: string
  let adminToken: string

  const send = (token: string, channel: number, content: string) =>
    http<Message>(server.url, 'POST', '/messages', { token, body: { channel_id: channel, content } }).then(
      ({ status, body }) => {
        assert.strictEqual(status, 201, JSON.stringify(body))
        return body
      }
    )
  const search = <T = SearchPage>(token: string, params: Record<string, string | number>) =>
    http<T>(server.url, 'GET', `/messages?${new URLSearchParams(params as Record<string, string>)}`, {
      token
    })

  before(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
    // The same worker on a second booking: a channel with other people in it
    ;({ channelId: otherChannelId } = await bookingChannel(server.app, {
      existing: { worker: world.worker }
    }))
    admin = await buildAdmin(server.app)
    workerToken = await login(server.url, world.worker)
    adminToken = await login(server.url, admin)
    await send(workerToken, channelId, `Meet at the Café Zürich, ${WORD} one`)
    await send(workerToken, channelId, `1 < 2 & "quoted" ${WORD} two`)
    await send(workerToken, otherChannelId, `CAFE in the other channel ${WORD}`)
  })

  it('finds words within a channel over REST, accents and case folded, newest first, with an escaped snippet', async () => {
    const { status, body } = await search(workerToken, { channel_id: channelId, $search: 'cafe zurich' })
    assert.strictEqual(status, 200, JSON.stringify(body))
    assert.strictEqual(body.data.length, 1)
    assert.match(body.data[0].content, /Café Zürich/)
    assert.match(body.data[0].snippet, /<mark>Café<\/mark> <mark>Zürich<\/mark>/)
    assert.strictEqual(body.data[0].sender.id, world.worker.id)
    assert.strictEqual(body.next_cursor, null)
    assert.strictEqual(body.data[0].search_vector, undefined, 'the index column stays in the database')

    const words = await search(workerToken, { channel_id: channelId, $search: WORD })
    assert.deepStrictEqual(
      words.body.data.map((m) => m.content.endsWith('two')),
      [true, false],
      'newest first'
    )
    const snippet: string = words.body.data[0].snippet
    assert.ok(snippet.includes(`<mark>${WORD}</mark>`), snippet)
    assert.ok(snippet.includes('1 &lt; 2 &amp; &quot;quoted&quot;'), snippet)
    assert.strictEqual(snippet.replace(/<\/?mark>/g, '').includes('<'), false, 'no markup but the marks')
  })

  it('matches the last word as a prefix as people type, and "cafe" finds "café"', async () => {
    const typed = await search(workerToken, { channel_id: channelId, $search: 'meet at the cafe zü' })
    assert.strictEqual(typed.body.data.length, 1)
    assert.match(typed.body.data[0].snippet, /<mark>Zürich<\/mark>/)
    // Only the last word is a prefix
    const inner = await search(workerToken, { channel_id: channelId, $search: 'zu cafe' })
    assert.strictEqual(inner.body.data.length, 0)
  })

  it('searches every channel the caller reads, and nothing of a channel they are not in', async () => {
    const mine = await search(workerToken, { $search: WORD })
    assert.deepStrictEqual(
      new Set(mine.body.data.map((m) => m.channel_id)),
      new Set([channelId, otherChannelId])
    )

    // The supervisor of the first booking reads only its channel
    const supervisorToken = await login(server.url, world.supervisor)
    const theirs = await search(supervisorToken, { $search: WORD })
    assert.deepStrictEqual(
      theirs.body.data.map((m) => m.channel_id),
      [channelId, channelId]
    )

    const outsiderToken = await login(server.url, world.outsider)
    const outsider = await search(outsiderToken, { $search: WORD })
    assert.strictEqual(outsider.status, 200)
    assert.deepStrictEqual(outsider.body.data, [])
    // Naming the channel is refused as reading it is
    const named = await search<ErrorBody>(outsiderToken, { channel_id: channelId, $search: WORD })
    const read = await http<ErrorBody>(server.url, 'GET', `/messages?channel_id=${channelId}`, {
      token: outsiderToken
    })
    assert.strictEqual(named.status, 403)
    assert.deepStrictEqual([named.status, named.body.message], [read.status, read.body.message])

    const everything = await search(adminToken, { $search: WORD })
    assert.strictEqual(everything.body.data.length, 3)
  })

  it("follows a removed participant's reading: once replaced, the old supervisor finds nothing of the channel", async () => {
    const { world: booking, channelId: channel } = await bookingChannel(server.app)
    const word = `quokka${process.pid}`
    await send(await login(server.url, booking.worker), channel, `before the change ${word}`)
    const oldToken = await login(server.url, booking.supervisor)
    assert.strictEqual((await search(oldToken, { $search: word })).body.data.length, 1)

    await server.app
      .service('bookings')
      .patch(booking.booking.id, { supervisor_id: (await buildUser(server.app)).id })
    assert.deepStrictEqual((await search(oldToken, { $search: word })).body.data, [])
    const named = await search<ErrorBody>(oldToken, { channel_id: channel, $search: word })
    const read = await http<ErrorBody>(server.url, 'GET', `/messages?channel_id=${channel}`, {
      token: oldToken
    })
    assert.deepStrictEqual([named.status, named.body.message], [read.status, read.body.message])
  })

  it('finds deleted messages only for an admin who asks with $withDeleted', async () => {
    const word = `wombat${process.pid}`
    const sent = await send(workerToken, channelId, `regrettable ${word}`)
    assert.strictEqual(
      (await http(server.url, 'DELETE', `/messages/${sent.id}`, { token: workerToken })).status,
      200
    )

    assert.deepStrictEqual(
      (await search(workerToken, { channel_id: channelId, $search: word })).body.data,
      []
    )
    const asked = await search(workerToken, { channel_id: channelId, $search: word, $withDeleted: 'true' })
    assert.strictEqual(asked.status, 403)
    assert.deepStrictEqual((await search(adminToken, { $search: word })).body.data, [])

    const evidence = await search(adminToken, { $search: word, $withDeleted: 'true' })
    assert.strictEqual(evidence.body.data.length, 1)
    assert.strictEqual(evidence.body.data[0].is_deleted, true)
    assert.match(evidence.body.data[0].snippet, new RegExp(`<mark>${word}</mark>`))
  })

  it('pages by cursor, newest first or by relevance, without repeats or gaps', async () => {
    const { world: booking, channelId: channel } = await bookingChannel(server.app)
    const token = await login(server.url, booking.worker)
    const word = `ibis${process.pid}`
    const sent = []
    for (let i = 1; i <= 5; i++) {
      sent.push(await send(token, channel, `${`${word} `.repeat(i)}number ${i}`))
    }

    for (const order of [{}, { '$sort[relevance]': -1 }] as Record<string, number>[]) {
      const seen: number[] = []
      let cursor: string | null | undefined
      let pages = 0
      do {
        const { status, body } = await search(token, {
          $search: word,
          $limit: 2,
          ...order,
          ...(cursor ? { $cursor: cursor } : {})
        })
        assert.strictEqual(status, 200, JSON.stringify(body))
        seen.push(...body.data.map((m) => m.id))
        cursor = body.next_cursor
        pages++
      } while (cursor && pages < 10)
      assert.strictEqual(pages, 3)
      // Newest first; by relevance the message with the word most often comes first
      assert.deepStrictEqual(seen, sent.map((m) => m.id).reverse(), JSON.stringify(order))
    }
  })

  it('answers bad input with a 400 or an empty result, never a 5xx', async () => {
    const refused = ['', '   ', 'x'.repeat(10_000), ' '.repeat(150) + 'y'.repeat(201)]
    for (const text of refused) {
      const { status } = await search(workerToken, { channel_id: channelId, $search: text })
      assert.strictEqual(status, 400, `${text.slice(0, 20)}… (${text.length})`)
    }
    const asText = [
      `${WORD} & | ! <-> :* ( ) \\`,
      `'); -- ${WORD}`,
      "'; drop table chat_messages; --",
      `"${WORD}`,
      `${WORD}'`,
      `%_ ${WORD} $1 ?`,
      '&&&',
      "'''",
      '!!(|:*'
    ]
    for (const text of asText) {
      const { status, body } = await search(workerToken, { $search: text })
      assert.strictEqual(status, 200, `${text}: ${JSON.stringify(body)}`)
      assert.ok(Array.isArray(body.data))
      if (text.includes(WORD)) assert.ok(body.data.length > 0, `${text} still finds its words`)
    }
    assert.ok((await countMessages(server, channelId)) >= 2, 'the history is still there')
    const cursors = ['not a cursor', Buffer.from('{"id":"1 or 1=1"}').toString('base64url'), 'eyJ9']
    for (const $cursor of cursors) {
      assert.strictEqual((await search(workerToken, { $search: WORD, $cursor })).status, 400, $cursor)
    }
    // Ranks a real cannot hold, crafted into a cursor
    for (const rank of [1e308, 1e-50, -1e300]) {
      const $cursor = Buffer.from(JSON.stringify({ id: 1, rank })).toString('base64url')
      const { status } = await search(workerToken, { $search: WORD, $cursor, '$sort[relevance]': -1 })
      assert.strictEqual(status, 400, String(rank))
    }
    assert.strictEqual((await search(workerToken, { $search: WORD, '$sort[relevance]': 1 })).status, 400)
    // Reading a history still needs its channel
    assert.strictEqual((await http(server.url, 'GET', '/messages', { token: workerToken })).status, 400)
  })

  it('works over Socket.io with the Feathers client', async () => {
    const client = await socketClient(server.url, world.worker)
    const page = (await client.service('messages').find({ query: { $search: 'CAFÉ' } })) as MessageSearchPage
    assert.deepStrictEqual(new Set(page.data.map((m) => m.channel_id)), new Set([channelId, otherChannelId]))
    assert.ok(page.data.every((m) => /<mark>ca[fF][eéEÉ]<\/mark>/i.test(m.snippet)))
    await assert.rejects(
      client.service('messages').find({ query: { $search: '' } }),
      (error: any) => error.code === 400
    )
  })
})
