import assert from 'assert'
import { useServer } from '../../../helpers/app'
import type { BookingWorld } from '../../../helpers/factories'
import { http, login, recordEvents, waitUntil } from '../../../helpers/clients'
import type { ClientApplication, Message } from '../../../../src/client'
import { countMessages } from '../../../helpers/database'
import { cheatSheetVectors, issueVectors } from '../../../fixtures/xss-vectors'
import { bookingChannelWithClients } from '../../../helpers/fixtures'
import type { ErrorBody } from '../../../helpers/clients'

const MARKUP_START = /<[a-zA-Z/!?]/

describe('messages: stored XSS through the sanitizer', () => {
  // Every vector is a message: more than a person may send in a minute
  const server = useServer({ limits: { messages_per_minute: 10_000 } })
  let world: BookingWorld
  let channelId: number
  let worker: ClientApplication
  let supervisor: ClientApplication

  const storedContent = async (id: number) =>
    (await server.app.get('postgresqlClient')('chat_messages').where({ id }).first('content')).content

  before(async () => {
    ;({
      world,
      channelId,
      clients: { worker, supervisor }
    } = await bookingChannelWithClients(server, { connected: ['worker', 'supervisor'] }))
  })

  it("stores and delivers the issue's vectors without their markup", async () => {
    const live = recordEvents(supervisor, 'messages', 'created')
    for (const vector of issueVectors) {
      const error: any = await worker
        .service('messages')
        .create({ channel_id: channelId, content: vector })
        .catch((caught) => caught)
      assert.strictEqual(error?.code, 400, `${JSON.stringify(vector)} alone is nothing but markup`)

      const sent = await worker.service('messages').create({ channel_id: channelId, content: `ok ${vector}` })
      assert.strictEqual(sent.content, 'ok', JSON.stringify(vector))
      assert.strictEqual(await storedContent(sent.id), 'ok')
      await waitUntil(() => live.some((message) => message.id === sent.id), 'the live event')
      assert.strictEqual(live.find((message) => message.id === sent.id)!.content, 'ok')
    }
  })

  it('stores and delivers no tag a browser would parse for any vector of the corpus, or refuses it with 400', async () => {
    const live = recordEvents(supervisor, 'messages', 'created')
    const sentIds: number[] = []
    for (const vector of cheatSheetVectors) {
      const content = `Hi ${vector} bye`
      let sent
      try {
        sent = await worker.service('messages').create({ channel_id: channelId, content })
      } catch (error: any) {
        assert.strictEqual(error.code, 400, `${JSON.stringify(content)}: ${error.code} ${error.message}`)
        continue
      }
      sentIds.push(sent.id)
      assert.ok(
        !MARKUP_START.test(sent.content!),
        `${JSON.stringify(content)} → ${JSON.stringify(sent.content)}`
      )
      assert.strictEqual(await storedContent(sent.id), sent.content)
    }
    assert.ok(sentIds.length > cheatSheetVectors.length * 0.95, `only ${sentIds.length} stored`)
    await waitUntil(
      () => sentIds.every((id) => live.some((message) => message.id === id)),
      'every live event'
    )
    for (const message of live)
      assert.ok(!MARKUP_START.test(String(message.content)), JSON.stringify(message.content))
  })

  it('answers 2,857 × <script with 400 as fast as a plain text of the same size, writing nothing', async () => {
    const token = await login(server.url, world.worker)
    const before = await countMessages(server, channelId)
    const post = <T = unknown>(content: string) =>
      http<T>(server.url, 'POST', '/messages', { token, body: { channel_id: channelId, content } })
    const fastest = async (content: string) => {
      let best = Infinity
      for (let run = 0; run < 3; run++) {
        const start = process.hrtime.bigint()
        const response = await post<ErrorBody>(content)
        best = Math.min(best, Number(process.hrtime.bigint() - start))
        assert.strictEqual(response.status, 400, response.text.slice(0, 200))
        assert.strictEqual(response.body.name, 'BadRequest')
      }
      return best
    }
    const attack = '<script'.repeat(2857)
    // Too long once sanitized too: refused after the same work, but without markup
    const plain = 'a'.repeat(attack.length)
    const ratio = (await fastest(attack)) / (await fastest(plain))
    assert.ok(ratio < 10, `the attack took ${ratio.toFixed(1)}× as long as plain text`)
    assert.strictEqual(await countMessages(server, channelId), before)
  })

  it('answers deeply nested markup within the raw limit with 400 or 201, never 5xx', async () => {
    const token = await login(server.url, world.worker)
    for (const content of [
      '<b>'.repeat(6666),
      `${'<div><b>'.repeat(200)}deep${'</b></div>'.repeat(200)}`,
      '<'.repeat(9999) + 'b>'.repeat(5000)
    ]) {
      const response = await http<Message & { content: string }>(server.url, 'POST', '/messages', {
        token,
        body: { channel_id: channelId, content }
      })
      assert.ok([201, 400].includes(response.status), `${response.status} ${response.text.slice(0, 200)}`)
      if (response.status === 201) assert.ok(!MARKUP_START.test(response.body.content), response.body.content)
    }
  })
})
