import assert from 'assert'
import { useServer } from '../helpers/app'
import { bookingChannel } from '../helpers/fixtures'
import { messageItem, signIn, useBrowser } from '../helpers/browser'

describe('the web chat page: searching messages', function () {
  this.timeout(180_000)
  const browser = useBrowser()
  const server = useServer(browser.serverSettings)

  it('finds what one types, shows the snippet with the matches marked, and opens the channel', async () => {
    const { world, channelId } = await bookingChannel(server.app)
    const say = (content: string) =>
      server.app.service('messages').create({ channel_id: channelId, content }, { user: world.supervisor })
    await say('See you at the Café Zürich, 1 < 2 & "no markup"')
    await say('Something else entirely')

    const page = await browser.newPage()
    await signIn(page, server.url, world.worker)
    const box = page.getByRole('searchbox', { name: 'Search messages' })
    // Typed as a person types: the last word is still being written
    await box.pressSequentially('cafe zu', { delay: 30 })

    const results = page.getByRole('list', { name: 'Search results' })
    const result = results.getByRole('button').filter({ hasText: 'Zürich' })
    await result.waitFor()
    assert.deepStrictEqual(await result.locator('mark').allTextContents(), ['Café', 'Zürich'])
    assert.match((await result.textContent()) ?? '', /1 < 2 & "no markup"/)
    assert.strictEqual(await results.getByRole('button').count(), 1, 'only the matching message')
    await page.getByRole('status').filter({ hasText: '1 found' }).waitFor()

    await result.click()
    await messageItem(page, 'Something else entirely').waitFor()
    assert.strictEqual((await page.getByRole('heading', { level: 2, name: /Booking/ }).count()) >= 0, true)

    await box.fill('nothingmatchesthis')
    await page.getByRole('status').filter({ hasText: 'Nothing found' }).waitFor()
    assert.strictEqual(await results.getByRole('button').count(), 0)
  })
})
