import assert from 'assert'
import type { Socket } from 'socket.io'
import type { Page } from 'playwright-core'
import axe from 'axe-core'
import { useServer } from '../helpers/app'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'
import { askToDelete, messageItem, PHONE, signIn, useBrowser } from '../helpers/browser'

/** axe-core's findings that keep someone from using the page (serious or critical), as lines. */
async function barriers(page: Page, screen: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source })
  const results = await page.evaluate(() => (window as any).axe.run(document) as Promise<axe.AxeResults>)
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${screen}: ${violation.id} at ${node.target.join(' ')}: ${node.failureSummary}`
      )
    )
}

describe('the web chat page for everyone (axe-core, both themes, both sizes)', function () {
  this.timeout(300_000)
  const browser = useBrowser()
  const server = useServer(browser.serverSettings)
  let world: BookingWorld

  // Each test its own channel: viewing one moves the read position, and the divider with it
  beforeEach(async () => {
    const { world: opened, channelId } = await bookingChannel(server.app)
    world = opened
    const say = (content: string, user = world.supervisor) =>
      server.app.service('messages').create({ channel_id: channelId, content }, { user })
    await say('Mine, read', world.worker)
    const gone = await say('Mine, then deleted', world.worker)
    await server.app.service('messages').remove(gone.id, { user: world.worker } as any)
    await say('Unread from the supervisor')
    await say('Mine, newest', world.worker)
    await say('New to the worker: the divider shows') // the divider's red is checked too
    await server.app
      .service('participants')
      .patch(null, { last_read_seq: 4 }, { user: world.supervisor, query: { channel_id: channelId } })
  })

  for (const colorScheme of ['light', 'dark'] as const)
    for (const [size, options] of [
      ['desktop', {}],
      ['phone', PHONE]
    ] as const)
      it(`has no serious or critical barrier on any screen: ${colorScheme}, ${size}`, async () => {
        // axe-core is injected as an inline script, which the page's own policy rightly refuses
        const page = await browser.newPage({ ...options, colorScheme, bypassCSP: true })
        const found: string[] = []
        await page.goto(server.url)
        await page.getByLabel('Password').fill('not the password')
        await page.getByLabel('Email').fill(world.worker.email)
        await page.getByRole('button', { name: 'Sign in' }).click()
        await page.getByText('The email or password is not right.').waitFor()
        found.push(...(await barriers(page, 'sign-in with an error')))

        await signIn(page, server.url, world.worker)
        if (size === 'phone') {
          await page.getByRole('navigation').getByRole('button').first().waitFor()
          found.push(...(await barriers(page, 'channel list')))
          await page.getByRole('navigation').getByRole('button').first().tap()
        }
        await messageItem(page, 'Mine, newest').getByText('Seen by').waitFor()
        await page.getByText('New messages').waitFor()
        found.push(...(await barriers(page, 'conversation')))

        const confirmation = await askToDelete(page, 'Mine, newest')
        found.push(...(await barriers(page, 'delete confirmation')))
        await confirmation.getByRole('button', { name: 'Keep it' }).click()
        await messageItem(page, 'Mine, newest').getByRole('button', { name: 'Message actions' }).click()
        found.push(...(await barriers(page, 'message actions')))
        await page.keyboard.press('Escape')

        await page.context().setOffline(true)
        for (const socket of server.app.io.of('/').sockets.values())
          if ((socket as Socket & { feathers?: any }).feathers?.user?.id === world.worker.id)
            socket.conn.close()
        await page.getByText('Connection lost. Reconnecting…').waitFor()
        found.push(...(await barriers(page, 'connection lost')))
        await page.context().setOffline(false)

        assert.deepStrictEqual(found, [])
      })
})
