import assert from 'assert'
import type { Page } from 'playwright-core'
import { useServer } from '../helpers/app'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld, TestUser } from '../helpers/factories'
import { messageItem, messageLog, PHONE, signIn, useBrowser } from '../helpers/browser'

/**
 * The times of these messages are chosen (the database stamps live ones with its clock):
 * written as the send statement writes them, chained, with `created_at` given.
 */
const WRITE_AT = `
  with next as (
    update chat_channels c set (last_seq, last_message_at, chain_head) = (
      c.last_seq + 1, :at::timestamptz, chat_chain_link(c.chain_head,
        chat_message_encoding(c.id, c.last_seq + 1, :senderId, :content, null, :at::timestamptz)))
    where c.id = :channelId
    returning c.id, c.last_seq, c.last_message_at, c.chain_head
  )
  insert into chat_messages (channel_id, seq, sender_id, content, client_id, created_at, hash)
  select next.id, next.last_seq, :senderId, :content, null, next.last_message_at, next.chain_head from next`

// Tokyo has no daylight saving: its midnight is 15:00 UTC on every date
const TOKYO = { timezoneId: 'Asia/Tokyo', locale: 'en-GB' }

describe('the web chat page: days and new messages', function () {
  this.timeout(180_000)
  const browser = useBrowser()
  const server = useServer(browser.serverSettings)
  let world: BookingWorld
  let channelId: number

  const sayAt = (at: string, content: string, who: TestUser) =>
    server.app.get('postgresqlClient').raw(WRITE_AT, { at, content, senderId: who.id, channelId })
  const markers = (page: Page) =>
    messageLog(page)
      .locator('li')
      .evaluateAll((items) =>
        items.map((item) =>
          item.classList.contains('marker') ? `— ${item.textContent} —` : item.querySelector('p')!.textContent
        )
      )

  // Each test its own channel: viewing one moves the read position, for good
  beforeEach(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
    await sayAt('2024-05-06T10:00:00Z', 'Evening in Tokyo', world.supervisor) // 19:00, Monday 6 May
    await sayAt('2024-05-06T16:00:00Z', 'After midnight in Tokyo', world.worker) // 01:00, Tuesday 7 May
    await sayAt('2024-05-07T02:00:00Z', 'Morning in Tokyo', world.supervisor) // 11:00, Tuesday 7 May
    await sayAt('2024-05-09T02:00:00Z', 'Two days later', world.supervisor) // Thursday 9 May
    // The worker has read up to their own message: the two after it are new to them
    await server.app
      .service('participants')
      .patch(null, { last_read_seq: 2 }, { user: world.worker, query: { channel_id: channelId } })
  })

  for (const [size, options] of [
    ['a desktop', TOKYO],
    ['a phone', { ...PHONE, ...TOKYO }]
  ] as const)
    it(`marks where each day of the person's time zone begins and what is new, on ${size}`, async () => {
      const page = await browser.newPage(options)
      await signIn(page, server.url, world.worker)
      if (size === 'a phone') await page.getByRole('navigation').getByRole('button').first().tap()
      await messageItem(page, 'Two days later').waitFor()
      const texts = await markers(page)
      assert.strictEqual(texts.length, 8, texts.join(' | '))
      assert.match(texts[0], /^— Monday,? 6 May 2024 —$/)
      assert.strictEqual(texts[1], 'Evening in Tokyo')
      assert.match(texts[2], /^— Tuesday,? 7 May 2024 —$/)
      assert.deepStrictEqual(texts.slice(3, 6), [
        'After midnight in Tokyo',
        '— New messages —',
        'Morning in Tokyo'
      ])
      assert.match(texts[6], /^— Thursday,? 9 May 2024 —$/)
      assert.strictEqual(texts[7], 'Two days later')
    })

  it('shows no divider once everything is read, nor above messages that arrive while one looks', async () => {
    await server.app
      .service('participants')
      .patch(null, { last_read_seq: 4 }, { user: world.worker, query: { channel_id: channelId } })
    const page = await browser.newPage(TOKYO)
    await signIn(page, server.url, world.worker)
    await messageItem(page, 'Two days later').waitFor()
    await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'Live now' }, { user: world.supervisor })
    await messageItem(page, 'Live now').waitFor()
    assert.strictEqual(await messageLog(page).getByText('New messages').count(), 0)
  })
})
