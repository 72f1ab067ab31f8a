import assert from 'assert'
import { useServer } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import { socketClient, waitUntil } from '../helpers/clients'
import { bookingChannelWithClients } from '../helpers/fixtures'
import { redisSettings } from '../helpers/redis'
import { openChannelStream } from '../../src/client'
import type { ClientApplication } from '../../src/client'

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

/** Two people on each instance send `total` messages to a new booking channel, `inFlight` sends each at a time. */
async function sendFromBoth(a: TestServer, b: TestServer, total: number, inFlight = 4) {
  const { world, channelId } = await bookingChannelWithClients(a)
  const senders = await Promise.all([
    socketClient(a.url, world.worker),
    socketClient(a.url, world.supervisor),
    socketClient(b.url, world.borrowerAdmin),
    socketClient(b.url, world.lenderAdmin)
  ])
  const listeners = await Promise.all(
    [a, b].flatMap((server) =>
      [world.borrowerManager, world.lenderManager].map((who) => socketClient(server.url, who))
    )
  )
  const run = async () => {
    let sent = 0
    await Promise.all(
      senders.flatMap((sender) =>
        range(inFlight).map(async () => {
          while (sent < total) {
            sent++
            await sender.service('messages').create({ channel_id: channelId, content: `in flight ${sent}` })
          }
        })
      )
    )
  }
  return { channelId, listeners, run }
}

describe('live messages in seq order across instances', function () {
  this.timeout(60_000)
  // A window far longer than any gap here, so that the order holds however loaded the machine is
  const settings = () => ({ redis: redisSettings(), realtime: { reorder_window_ms: 2000 } })
  const a = useServer(settings)
  const b = useServer(settings)

  it('reach receivers on both instances in seq order while senders on both send at once', async () => {
    const total = 160
    const { listeners, run } = await sendFromBoth(a, b, total)
    const heard = listeners.map((receiver: ClientApplication) => {
      const seqs: number[] = []
      receiver.service('messages').on('created', (message) => seqs.push(message.seq))
      return seqs
    })
    await run()
    await waitUntil(() => heard.every((seqs) => seqs.length >= total), 'every live message', 10_000)
    heard.forEach((seqs, i) =>
      assert.deepStrictEqual(seqs, range(total), `receiver ${i} on ${i < 2 ? 'A' : 'B'}`)
    )
  })
})

describe('the client channel stream across instances', function () {
  this.timeout(60_000)
  // No reorder window on the servers: the order the stream hands out is its own doing
  const settings = () => ({ redis: redisSettings(), realtime: { reorder_window_ms: 0 } })
  const a = useServer(settings)
  const b = useServer(settings)

  it('hands every receiver on either instance each message once, in seq order, while senders on both send at once', async () => {
    const total = 160
    const { channelId, listeners, run } = await sendFromBoth(a, b, total)
    const handed = listeners.map((listener) => {
      const seqs: number[] = []
      openChannelStream(listener, channelId, { onMessage: (message) => seqs.push(message.seq), gapMs: 200 })
      return seqs
    })
    await run()
    await waitUntil(() => handed.every((seqs) => seqs.length >= total), 'every message handed out', 15_000)
    handed.forEach((seqs, i) =>
      assert.deepStrictEqual(seqs, range(total), `stream ${i} on ${i < 2 ? 'A' : 'B'}`)
    )
  })
})
