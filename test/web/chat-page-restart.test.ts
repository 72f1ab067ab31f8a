import assert from 'assert'
import { startApp, useServer } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import { closeClients, sleep, socketClient } from '../helpers/clients'
import { freePort } from '../helpers/processes'
import { messageBox, messageItem, messageLog, signIn, useBrowser } from '../helpers/browser'
import { shutdown } from '../../src/http/shutdown'

/**
 * A deploy under an open page: the server it talks to shuts down gracefully and another
 * comes up at the same address. The page must recover by itself, with no reload.
 */
describe('the web chat page across a server restart', function () {
  this.timeout(180_000)
  const browser = useBrowser()
  // Another instance on the same database: it writes while the page's server is away
  const elsewhere = useServer()
  let world: BookingWorld
  let channelId: number
  let current: TestServer | undefined

  before(async () => {
    ;({ world, channelId } = await bookingChannel(elsewhere.app))
  })
  after(async () => {
    closeClients()
    await current?.close()
  })

  const say = (content: string) =>
    elsewhere.app.service('messages').create({ channel_id: channelId, content }, { user: world.supervisor })

  it('reconnects, signs in again, fills the gap, refreshes presence and sends what was typed meanwhile', async () => {
    const port = await freePort()
    current = await startApp(browser.serverSettings, port)
    await say('Before the restart')
    const page = await browser.newPage()
    let reloads = 0
    page.on('framenavigated', (frame) => frame === page.mainFrame() && reloads++)
    await signIn(page, current.url, world.worker)
    const loadsAtSignIn = reloads
    await messageItem(page, 'Before the restart').waitFor()
    // The supervisor is online on the old server and does not come back after it
    await socketClient(current.url, world.supervisor)
    await page.locator('#people li.online').filter({ hasText: world.supervisor.name }).waitFor()

    const stopping = current
    current = undefined
    await shutdown(stopping.app, stopping.server, { drainMs: 0, graceMs: 1000 })
    await page.getByText('Connection lost. Reconnecting…').waitFor()
    await say('Sent while the server was away')
    await messageBox(page).fill('Typed while away')
    await messageBox(page).press('Enter')
    await page
      .getByRole('alert')
      .filter({ hasText: 'your message will be sent when the connection is back' })
      .waitFor()
    await sleep(6000)

    current = await startApp(browser.serverSettings, port)
    await page.getByText('Connection lost. Reconnecting…').waitFor({ state: 'hidden', timeout: 30_000 })
    await messageItem(page, 'Typed while away').waitFor({ timeout: 30_000 })
    await page
      .getByRole('alert')
      .filter({ hasText: 'your message will be sent' })
      .waitFor({ state: 'hidden' })
    await page
      .locator('#people li')
      .filter({ hasText: world.supervisor.name })
      .filter({ hasText: '(offline)' })
      .waitFor()
    await socketClient(current.url, world.lenderAdmin)
    await page.locator('#people li.online').filter({ hasText: world.lenderAdmin.name }).waitFor()
    const texts = await messageLog(page).locator('li p').allTextContents()
    assert.deepStrictEqual(texts, [
      'Before the restart',
      'Sent while the server was away',
      'Typed while away'
    ])
    assert.strictEqual(reloads, loadsAtSignIn, 'the page was never reloaded')
  })
})
