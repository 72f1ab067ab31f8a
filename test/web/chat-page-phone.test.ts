import assert from 'assert'
import fs from 'fs'
import path from 'path'
import type { Page } from 'playwright-core'
import { useServer } from '../helpers/app'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import {
  ARTIFACTS,
  channelButton,
  messageBox,
  messageItem,
  messageLog,
  PHONE,
  signIn,
  useBrowser
} from '../helpers/browser'

describe('the web chat page on a phone and with its Send button', function () {
  this.timeout(180_000)
  const browser = useBrowser()
  const server = useServer(browser.serverSettings)
  let world: BookingWorld
  let channelId: number
  let otherId: number

  const say = (content: string, channel_id = channelId) =>
    server.app.service('messages').create({ channel_id, content }, { user: world.supervisor })
  const readPosition = async (channel_id: number) =>
    (await server.app.service('participants').find({ query: { channel_id, user_id: world.worker.id } }))
      .data[0].last_read_seq
  const send = (page: Page) => page.getByRole('button', { name: 'Send', exact: true })
  const back = (page: Page) => page.getByRole('button', { name: 'Back to channels' })

  before(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
    ;({ channelId: otherId } = await bookingChannel(server.app, {
      existing: { worker: world.worker, supervisor: world.supervisor }
    }))
    await say('Hello from the first booking')
    await say('Hello from the second booking', otherId)
  })

  it('shows the list first, then one conversation that takes the screen, and goes back', async () => {
    const page = await browser.newPage(PHONE)
    await signIn(page, server.url, world.worker)
    const first = channelButton(page, new RegExp(`Booking #${world.booking.id}\\b`))
    await first.waitFor()
    assert.strictEqual(await messageLog(page).isVisible(), false, 'no conversation behind the list')
    assert.strictEqual(await readPosition(channelId), 0, 'nothing is marked read before it is opened')

    await first.tap()
    await messageItem(page, 'Hello from the first booking').waitFor()
    assert.strictEqual(await page.getByRole('navigation').isVisible(), false, 'the list makes room')
    const log = (await messageLog(page).boundingBox())!
    assert.ok(log.height >= 0.6 * 844, `the messages get the screen (${log.height} px of 844)`)
    assert.strictEqual(await readPosition(channelId), 1)
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth])
    assert.strictEqual(widths[0], widths[1], 'nothing is wider than the screen')
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: path.join(ARTIFACTS, 'chat-page-phone.png') })

    await messageBox(page).tap()
    await messageBox(page).fill('Sent with the button')
    await send(page).tap()
    await messageItem(page, 'Sent with the button').waitFor()
    assert.strictEqual(await messageBox(page).inputValue(), '')

    await back(page).tap()
    await first.waitFor()
    assert.strictEqual(await messageLog(page).isVisible(), false)
    // While the list is shown, what arrives stays unread
    await say('While you were on the list')
    await first.filter({ hasText: '1 unread' }).waitFor()

    // The phone's own back gesture leaves the conversation too
    await first.tap()
    await messageItem(page, 'While you were on the list').waitFor()
    await page.goBack()
    await first.waitFor()
    assert.strictEqual(await messageLog(page).isVisible(), false)
  })

  it('has a visible Send button on a desktop too', async () => {
    const page = await browser.newPage()
    await signIn(page, server.url, world.supervisor)
    await messageLog(page).waitFor()
    assert.ok(await send(page).isVisible())
    await messageBox(page).fill('Clicked, not Entered')
    await send(page).click()
    await messageItem(page, 'Clicked, not Entered').waitFor()
  })
})
