import assert from 'assert'
import { useServer } from '../../../../helpers/app'
import { buildAdmin } from '../../../../helpers/factories'
import { bookingChannel } from '../../../../helpers/fixtures'
import { http, login, socketClient } from '../../../../helpers/clients'
import type { Message } from '../../../../../src/client'
import type { MessageSearchPage } from '../../../../../src/modules/messaging/services/messages/search'

// A word no other test writes, so that searches of every channel see this file's messages only
const WORD = `kestrel${process.pid}`

/**
 * What an admin's search of every channel answers, whichever bounded step finds it (see
 * search-everywhere.ts): the same messages in the same order as a search of the whole table.
 */
describe('an admin’s search of every channel', () => {
  const server = useServer()
  let adminToken: string
  let admin: Awaited<ReturnType<typeof buildAdmin>>
  const sent: Message[] = []

  const send = async (token: string, channel: number, content: string) => {
    const { status, body } = await http<Message>(server.url, 'POST', '/messages', {
      token,
      body: { channel_id: channel, content }
    })
    assert.strictEqual(status, 201, JSON.stringify(body))
    return body
  }
  const search = (params: Record<string, string | number>) =>
    http<any>(server.url, 'GET', `/messages?${new URLSearchParams(params as Record<string, string>)}`, {
      token: adminToken
    })
  /** Every page of a search, following next_cursor. */
  const allPages = async (params: Record<string, string | number>) => {
    const ids: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const { status, body } = await search({ ...params, $limit: 2, ...(cursor ? { $cursor: cursor } : {}) })
      assert.strictEqual(status, 200, JSON.stringify(body))
      ids.push(...body.data.map((message: Message) => message.id))
      cursor = body.next_cursor
    } while (cursor && ++pages < 10)
    return ids
  }

  before(async () => {
    admin = await buildAdmin(server.app)
    adminToken = await login(server.url, admin)
    // Three channels of different people; message i says the word i times
    for (let i = 1; i <= 6; i++) {
      const { world, channelId } = await bookingChannel(server.app)
      sent.push(
        await send(await login(server.url, world.worker), channelId, `${`${WORD} `.repeat(i)}number ${i}`)
      )
    }
  })

  it('finds every channel’s messages over REST, newest first or by relevance, page by page', async () => {
    const newestFirst = sent.map((message) => message.id).reverse()
    assert.deepStrictEqual(await allPages({ $search: WORD }), newestFirst)
    // The word most often first
    assert.deepStrictEqual(await allPages({ $search: WORD, '$sort[relevance]': -1 }), newestFirst)
    // The last word as typed so far
    assert.deepStrictEqual(await allPages({ $search: `number ${WORD.slice(0, -2)}` }), newestFirst)
    assert.deepStrictEqual(await allPages({ $search: `${WORD} 3` }), [sent[2].id])
  })

  it('finds a deleted message only with $withDeleted', async () => {
    const word = `grebe${process.pid}`
    const { world, channelId } = await bookingChannel(server.app)
    const token = await login(server.url, world.worker)
    const kept = await send(token, channelId, `kept ${word}`)
    const removed = await send(token, channelId, `removed ${word}`)
    assert.strictEqual((await http(server.url, 'DELETE', `/messages/${removed.id}`, { token })).status, 200)
    assert.deepStrictEqual(await allPages({ $search: word }), [kept.id])
    assert.deepStrictEqual(await allPages({ $search: word, $withDeleted: 'true' }), [removed.id, kept.id])
    assert.deepStrictEqual(await allPages({ $search: word, $withDeleted: 'true', '$sort[relevance]': -1 }), [
      removed.id,
      kept.id
    ])
  })

  it('answers the same over Socket.io', async () => {
    const client = await socketClient(server.url, admin)
    const page = (await client
      .service('messages')
      .find({ query: { $search: WORD, $limit: 4, $sort: { relevance: -1 } } })) as MessageSearchPage
    const rest = await search({ $search: WORD, $limit: 4, '$sort[relevance]': -1 })
    assert.deepStrictEqual(page, rest.body)
    assert.deepStrictEqual(
      page.data.map((message: Message) => message.id),
      sent
        .map((message) => message.id)
        .reverse()
        .slice(0, 4)
    )
    assert.ok(page.data.every((message) => message.snippet.includes(`<mark>${WORD}</mark>`)))
  })
})
