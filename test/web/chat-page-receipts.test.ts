import assert from 'assert'
import { useServer } from '../helpers/app'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld, TestUser } from '../helpers/factories'
import { messageItem, messageLog, signIn, useBrowser } from '../helpers/browser'

describe('the web chat page: "seen by"', function () {
  this.timeout(180_000)
  const browser = useBrowser()
  const server = useServer(browser.serverSettings)
  let world: BookingWorld
  let channelId: number

  const say = (content: string, who: TestUser) =>
    server.app.service('messages').create({ channel_id: channelId, content }, { user: who })
  const readUpTo = (who: TestUser, seq: number) =>
    server.app
      .service('participants')
      .patch(null, { last_read_seq: seq }, { user: who, query: { channel_id: channelId } })

  before(async () => {
    ;({ world, channelId } = await bookingChannel(server.app))
    const names: [TestUser, string][] = [
      [world.worker, 'Wes Wong'],
      [world.lenderManager, 'Ana Alvarez'],
      [world.borrowerManager, 'Ben Brooks'],
      [world.supervisor, 'Dan Diaz']
    ]
    for (const [who, name] of names) await server.app.service('users').patch(who.id, { name })
  })

  it("names under one's newest message only those who read that far, and follows them live", async () => {
    await say('Mine, early', world.worker) // seq 1
    await say('A reply', world.supervisor) // seq 2
    await say('Mine, later', world.worker) // seq 3
    await say('Another reply', world.supervisor) // seq 4
    await say('Mine, newest', world.worker) // seq 5
    // Ana and Ben stopped two messages before the newest; Dan (who wrote seq 4) read on
    await readUpTo(world.lenderManager, 3)
    await readUpTo(world.borrowerManager, 3)
    await readUpTo(world.supervisor, 5)

    const page = await browser.newPage()
    await signIn(page, server.url, world.worker)
    const receipt = messageItem(page, 'Mine, newest').locator('#receipt')
    await receipt.waitFor()
    assert.strictEqual(await receipt.textContent(), 'Seen by Dan Diaz')
    assert.strictEqual(await messageLog(page).getByText('Seen by').count(), 1, 'one receipt, on the newest')

    await readUpTo(world.lenderManager, 5)
    await receipt.filter({ hasText: 'Ana Alvarez' }).waitFor()
    assert.match(
      (await receipt.textContent()) ?? '',
      /^Seen by (Ana Alvarez and Dan Diaz|Dan Diaz and Ana Alvarez)$/
    )
  })
})
