import assert from 'assert'
import type { Socket } from 'socket.io'
import { useServer } from '../helpers/app'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import { channelButton, messageBox, messageItem, messageLog, signIn, useBrowser } from '../helpers/browser'

const SENDS_PER_MINUTE = 3

describe('the web chat page when things go wrong or grow', function () {
  this.timeout(180_000)
  const browser = useBrowser()
  const server = useServer({ ...browser.serverSettings, limits: { messages_per_minute: SENDS_PER_MINUTE } })
  let world: BookingWorld
  let channelId: number

  const say = (content: string, who = world.supervisor, channel_id = channelId) =>
    server.app.service('messages').create({ channel_id, content }, { user: who })

  const socketsOf = (userId: number) =>
    [...server.app.io.of('/').sockets.values()].filter(
      (socket: Socket) => (socket as any).feathers?.user?.id === userId
    )

  beforeEach(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
  })

  it('reconnects by itself after a network drop and fills the gap by seq', async () => {
    await say('Before the drop')
    const page = await browser.newPage()
    await signIn(page, server.url, world.worker)
    await messageItem(page, 'Before the drop').waitFor()

    // Offline, the page cannot reconnect until the network returns: what is sent meanwhile can only arrive by seq
    await page.context().setOffline(true)
    for (const socket of socketsOf(world.worker.id)) socket.conn.close()
    await page.getByText('Connection lost. Reconnecting…').waitFor()
    await say('Missed one')
    await say('Missed two')
    await page.context().setOffline(false)

    await page.getByText('Connection lost. Reconnecting…').waitFor({ state: 'hidden' })
    await messageItem(page, 'Missed two').waitFor()
    const texts = await messageLog(page).locator('li p').allTextContents()
    assert.deepStrictEqual(texts, ['Before the drop', 'Missed one', 'Missed two'])
  })

  it('counts unread messages per channel and in total, and loads older pages on scroll', async () => {
    const page = await browser.newPage()
    await signIn(page, server.url, world.worker)
    const { world: other, channelId: otherId } = await bookingChannel(server.app, {
      existing: { worker: world.worker }
    })
    for (let n = 1; n <= 60; n++) await say(`Older news ${n}.`, other.supervisor, otherId)

    const otherChannel = channelButton(page, new RegExp(`Booking #${other.booking.id}`))
    await otherChannel.filter({ hasText: '60 unread' }).waitFor()
    await page.locator('#total-unread').filter({ hasText: '60 unread in all' }).waitFor()

    await otherChannel.click()
    await messageItem(page, 'Older news 60.').waitFor()
    await page.locator('#total-unread').waitFor({ state: 'hidden' })
    assert.strictEqual(
      await messageItem(page, 'Older news 1.').count(),
      0,
      'the first page holds the newest 50'
    )

    await messageLog(page).evaluate((log) => (log.scrollTop = 0))
    await messageItem(page, 'Older news 1.').waitFor({ state: 'attached' })
    assert.strictEqual(await messageLog(page).locator('li.message').count(), 60)
  })

  it('says in plain sentences when a channel is frozen, a person sends too fast, or is no longer allowed', async () => {
    const page = await browser.newPage()
    await signIn(page, server.url, world.lenderManager)
    const box = messageBox(page)
    for (let n = 1; n <= SENDS_PER_MINUTE; n++) {
      await box.fill(`Quick ${n}`)
      await box.press('Enter')
      await messageItem(page, `Quick ${n}`).waitFor()
    }
    await box.fill('One too many')
    await box.press('Enter')
    await page
      .getByRole('alert')
      .filter({ hasText: /You are going too fast\. Try again in \d+ seconds\./ })
      .waitFor()
    assert.strictEqual(await box.inputValue(), 'One too many', 'the words are kept to send again')

    const removeFromCompany = async (userId: number) => {
      const [membership] = (await server.app.service('company-members').find({ query: { user_id: userId } }))
        .data
      await server.app.service('company-members').remove(membership.id)
    }
    const removed = await browser.newPage()
    await signIn(removed, server.url, world.lenderAdmin)
    await messageItem(removed, 'Quick 1').waitFor()
    await removeFromCompany(world.lenderAdmin.id)
    await removed.getByRole('alert').filter({ hasText: 'You are no longer in this conversation.' }).waitFor()
    assert.strictEqual(await messageBox(removed).isDisabled(), true)

    // Removed while away: the page learns it from the server's 403 when it comes back
    const away = await browser.newPage()
    await signIn(away, server.url, world.borrowerManager)
    await messageItem(away, 'Quick 1').waitFor()
    await away.context().setOffline(true)
    for (const socket of socketsOf(world.borrowerManager.id)) socket.conn.close()
    await away.getByText('Connection lost. Reconnecting…').waitFor()
    await removeFromCompany(world.borrowerManager.id)
    await away.context().setOffline(false)
    await away
      .getByRole('alert')
      .filter({ hasText: 'You are not allowed to do that in this conversation.' })
      .waitFor()
    await channelButton(away, new RegExp(`Booking #${world.booking.id}`)).waitFor({ state: 'detached' })

    const reader = await browser.newPage()
    await signIn(reader, server.url, world.worker)
    await server.app.service('bookings').patch(world.booking.id, { status: 'completed' })
    await reader
      .getByRole('alert')
      .filter({ hasText: 'This conversation is closed: it can be read but no longer written to.' })
      .waitFor()
    assert.strictEqual(await messageBox(reader).isDisabled(), true)
    await reader.getByText('Booking completed').waitFor()
  })
})
