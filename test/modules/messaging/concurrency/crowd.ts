import { addMember, buildUser, openBookingChannel } from '../../../helpers/factories'
import { bookingWorld } from '../../../helpers/fixtures'
import type { BookingWorld, TestUser } from '../../../helpers/factories'
import { nextEvent, socketClient } from '../../../helpers/clients'
import type { ClientApplication } from '../../../../src/client'
import type { Message } from '../../../../src/client'
import type { TestServer } from '../../../helpers/app'

/** 1, 2, …, n */
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
export const sortedNumbers = (values: number[]) => [...values].sort((a, b) => a - b)

/** Factories for crowds of connected participants, and the rows they leave behind. */
export function crowdHelpers(server: TestServer) {
  /** A booking whose channel will have ten participants: the six roles plus four more borrower managers. */
  async function crowdedBooking(): Promise<{ world: BookingWorld; people: TestUser[] }> {
    const world = await bookingWorld(server.app)
    const extra = await Promise.all(Array.from({ length: 4 }, () => buildUser(server.app)))
    for (const user of extra) await addMember(server.app, world.borrowerCompanyId, user.id, 'manager')
    const people = [
      world.worker,
      world.supervisor,
      world.borrowerAdmin,
      world.borrowerManager,
      world.lenderAdmin,
      world.lenderManager,
      ...extra
    ]
    return { world, people }
  }

  /** One connection per person, all authenticated before the channel exists. */
  const connectAll = (people: TestUser[]) =>
    Promise.all(people.map((person) => socketClient(server.url, person)))

  /** Opens a booking's channel and waits until every given connection has been told (so it is in the channel's room). */
  async function openChannelFor(world: BookingWorld, clients: ClientApplication[]) {
    const told = clients.map((client) =>
      nextEvent(client, 'channels', 'created', (channel) => channel.context_id === world.booking.id, 5000)
    )
    const channel = await openBookingChannel(server.app, world)
    await Promise.all(told)
    return channel
  }

  const db = () => server.app.get('postgresqlClient')
  const channelRows = (contextId: number) =>
    db()('chat_channels').where({ context_type: 'booking', context_id: contextId }).select('*')
  const messageRows = (channelId: number): Promise<Message[]> =>
    db()('chat_messages').where({ channel_id: channelId }).orderBy('seq', 'asc').select('*')

  return { crowdedBooking, connectAll, openChannelFor, channelRows, messageRows }
}
