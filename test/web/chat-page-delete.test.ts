import assert from 'assert'
import { useServer } from '../helpers/app'
import { bookingChannel } from '../helpers/fixtures'
import { askToDelete, messageItem, messageLog, PHONE, signIn, useBrowser } from '../helpers/browser'

describe("the web chat page: deleting one of one's messages", function () {
  this.timeout(180_000)
  const browser = useBrowser()
  const server = useServer(browser.serverSettings)

  for (const [size, options] of [
    ['a desktop', {}],
    ['a phone', PHONE]
  ] as const)
    it(`is behind the message's actions and asks first, saying the message stays in the record, on ${size}`, async () => {
      const { world, channelId } = await bookingChannel(server.app)
      const say = (content: string, user = world.worker) =>
        server.app.service('messages').create({ channel_id: channelId, content }, { user })
      await say('Not mine', world.supervisor)
      const mine = await say('Second thoughts')
      const page = await browser.newPage(options)
      await signIn(page, server.url, world.worker)
      if (options === PHONE) await page.getByRole('navigation').getByRole('button').first().tap()
      await messageItem(page, 'Second thoughts').waitFor()

      assert.strictEqual(await page.getByRole('button', { name: /^Delete/ }).count(), 0, 'no delete in sight')
      assert.strictEqual(
        await messageItem(page, 'Not mine').getByRole('button', { name: 'Message actions' }).count(),
        0,
        "others' messages have no actions"
      )

      let confirmation = await askToDelete(page, 'Second thoughts')
      assert.match((await confirmation.textContent()) ?? '', /stays in the\s+record/)
      await confirmation.getByRole('button', { name: 'Keep it' }).click()
      await confirmation.waitFor({ state: 'hidden' })
      assert.strictEqual((await server.app.service('messages').get(mine.id)).is_deleted, false, 'kept')

      confirmation = await askToDelete(page, 'Second thoughts')
      await confirmation.getByRole('button', { name: 'Delete', exact: true }).click()
      await messageLog(page).locator('li.deleted').filter({ hasText: 'Message deleted' }).waitFor()
      await messageItem(page, 'Second thoughts').waitFor({ state: 'detached' })
    })
})
