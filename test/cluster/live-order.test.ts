import assert from 'assert'
import { useServer } from '../helpers/app'
import { socketClient, waitUntil } from '../helpers/clients'
import { bookingChannelWithClients } from '../helpers/fixtures'
import { redisSettings } from '../helpers/redis'
import type { ClientApplication } from '../../src/client'

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

describe('live messages in seq order across instances', function () {
  this.timeout(60_000)
  // A window far longer than any gap here, so that the order holds however loaded the machine is
  const settings = () => ({ redis: redisSettings(), realtime: { reorder_window_ms: 2000 } })
  const a = useServer(settings)
  const b = useServer(settings)

  it('reach receivers on both instances in seq order while senders on both send at once', async () => {
    const { world, channelId } = await bookingChannelWithClients(a)
    const senders = await Promise.all([
      socketClient(a.url, world.worker),
      socketClient(a.url, world.supervisor),
      socketClient(b.url, world.borrowerAdmin),
      socketClient(b.url, world.lenderAdmin)
    ])
    const receivers = await Promise.all(
      [a, b].flatMap((server) => [world.borrowerManager, world.lenderManager].map((who) => socketClient(server.url, who)))
    )
    const heard = receivers.map((receiver: ClientApplication) => {
      const seqs: number[] = []
      receiver.service('messages').on('created', (message) => seqs.push(message.seq))
      return seqs
    })

    const total = 160
    let sent = 0
    await Promise.all(
      senders.flatMap((sender) =>
        range(4).map(async () => {
          while (sent < total) {
            sent++
            await sender.service('messages').create({ channel_id: channelId, content: `in flight ${sent}` })
          }
        })
      )
    )
    await waitUntil(() => heard.every((seqs) => seqs.length >= total), 'every live message', 10_000)
    heard.forEach((seqs, i) => assert.deepStrictEqual(seqs, range(total), `receiver ${i} on ${i < 2 ? 'A' : 'B'}`))
  })
})
