import assert from 'assert'
import { startApp } from '../../../helpers/app'
import type { TestServer } from '../../../helpers/app'
import type { BookingWorld } from '../../../helpers/factories'
import { bookingChannel } from '../../../helpers/fixtures'
import { closeClients, http, login, socketClient } from '../../../helpers/clients'
import { redisSettings } from '../../../helpers/redis'
import { countMessages } from '../../../helpers/database'

for (const clustered of [false, true]) {
  describe(`send rate limit (${clustered ? 'shared through Redis by two instances' : 'one instance'})`, () => {
    let a: TestServer
    let b: TestServer
    let world: BookingWorld
    let channelId: number

    before(async () => {
      const settings = {
        limits: { messages_per_minute: 5 },
        ...(clustered ? { redis: redisSettings() } : {})
      }
      a = await startApp(settings)
      b = clustered ? await startApp(settings) : a
      ;({ world, channelId } = await bookingChannel(a.app))
    })
    after(async () => {
      closeClients()
      await a.close()
      if (b !== a) await b.close()
    })

    it('refuses the sixth message in a minute with 429, counts none of it, and leaves others alone', async () => {
      const worker = await socketClient(a.url, world.worker)
      const token = await login(b.url, world.worker)
      const before = await countMessages(a, channelId)
      for (let i = 0; i < 3; i++)
        await worker.service('messages').create({ channel_id: channelId, content: `a${i}` })
      for (let i = 0; i < 2; i++) {
        const sent = await http(b.url, 'POST', '/messages', {
          token,
          body: { channel_id: channelId, content: `b${i}` }
        })
        assert.strictEqual(sent.status, 201)
      }
      await assert.rejects(
        worker.service('messages').create({ channel_id: channelId, content: 'too many' }),
        (error: any) => {
          assert.strictEqual(error.code, 429)
          assert.strictEqual(error.name, 'TooManyRequests')
          assert.ok(error.data.retry_after_seconds > 0)
          return true
        }
      )
      const refused = await http(b.url, 'POST', '/messages', {
        token,
        body: { channel_id: channelId, content: 'too many' }
      })
      assert.strictEqual(refused.status, 429)
      assert.strictEqual(await countMessages(a, channelId), before + 5)

      const supervisor = await socketClient(b.url, world.supervisor)
      const other = await supervisor
        .service('messages')
        .create({ channel_id: channelId, content: 'I am fine' })
      assert.strictEqual(other.content, 'I am fine')
      // Admin tooling (internal calls) is not limited
      await a.app
        .service('messages')
        .create({ channel_id: channelId, content: 'internal' }, { user: world.worker })
    })
  })
}
