import type { TestServer } from './app'
import { socketClient } from './clients'
import { buildBooking, openBookingChannel } from './factories'
import type { BookingWorld } from './factories'
import type { Booking } from '../../src/modules/contexts/bookings/bookings.schema'
import type { ClientApplication } from '../../src/client'

/** The people of a booking world, by the name a test uses for them. */
export type BookingRole =
  'worker' | 'supervisor' | 'borrowerAdmin' | 'borrowerManager' | 'lenderAdmin' | 'lenderManager' | 'outsider'

/**
 * A booking with one person in every role, its channel open, and the named people connected
 * over Socket.io. They connect after the channel opened, so each is in its room by the time
 * their login answers, and hears every event of the channel from then on.
 */
export async function bookingChannelWithClients<Role extends BookingRole = never>(
  server: TestServer,
  { connected = [], booking = {} }: { connected?: Role[]; booking?: Partial<Booking> } = {}
) {
  const world: BookingWorld = await buildBooking(server.app, booking)
  const channel = await openBookingChannel(server.app, world)
  const connections = await Promise.all(connected.map((role) => socketClient(server.url, world[role])))
  const clients = Object.fromEntries(connected.map((role, i) => [role, connections[i]])) as Record<
    Role,
    ClientApplication
  >
  return { ...world, world, channel, channelId: channel.id, clients }
}
