import assert from 'assert'
import type { Page } from 'playwright-core'
import axe from 'axe-core'
import { useServer } from '../helpers/app'
import { addMember, buildAdmin, openBookingChannel } from '../helpers/factories'
import { bookingWorld } from '../helpers/fixtures'
import { channelButton, messageBox, messageItem, signIn, useBrowser } from '../helpers/browser'

/** axe-core's findings that keep someone from using the page (serious or critical), as lines. */
async function barriers(page: Page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source })
  const results = await page.evaluate(() => (window as any).axe.run(document) as Promise<axe.AxeResults>)
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id} at ${node.target.join(' ')}`))
}

const SENT = 'Call me on 07700 900123, quicker'
const MASKED = 'Call me on [phone number hidden], quicker'

describe('the web chat page: a channel the contact guard masks', function () {
  this.timeout(180_000)
  const browser = useBrowser()
  const server = useServer(browser.serverSettings)

  it('shows a participant the masked text, live and in history, and an admin the original', async () => {
    // a pending booking: the defaults mask contact details until it is confirmed
    const world = await bookingWorld(server.app, { booking: { status: 'pending' } })
    const admin = await buildAdmin(server.app)
    await addMember(server.app, world.lenderCompanyId, admin.id, 'manager')
    await openBookingChannel(server.app, world)

    const worker = await browser.newPage()
    await signIn(worker, server.url, world.worker)
    // axe-core is injected as a script of the test's, which the page's CSP would refuse
    const supervisor = await browser.newPage({ bypassCSP: true })
    await signIn(supervisor, server.url, world.supervisor)
    await messageBox(worker).waitFor()
    await messageBox(supervisor).waitFor()

    await messageBox(worker).fill(SENT)
    await messageBox(worker).press('Enter')

    await messageItem(supervisor, MASKED).waitFor()
    await messageItem(worker, MASKED).waitFor()
    assert.strictEqual(
      await messageItem(supervisor, '900123').count(),
      0,
      'the number never reaches the page'
    )

    // An admin's list holds every channel of the suite's server, newest message first: signed
    // in after the send, this channel leads it (the live event to admins is policies.test.ts')
    const adminPage = await browser.newPage()
    await signIn(adminPage, server.url, admin)
    const thisChannel = new RegExp(`Booking #${world.booking.id}\\b`)
    await channelButton(adminPage, thisChannel).click()
    await messageItem(adminPage, SENT).waitFor()

    await supervisor.reload()
    await messageItem(supervisor, MASKED).waitFor()
    assert.strictEqual(await messageItem(supervisor, '900123').count(), 0, 'nor from history')
    await adminPage.reload()
    await channelButton(adminPage, thisChannel).click()
    await messageItem(adminPage, SENT).waitFor()

    assert.deepStrictEqual(await barriers(supervisor), [])
  })
})
