import type { TestServer } from './app'
import { socketClient } from './clients'
import { buildBooking, openBookingChannel } from './factories'
import type { BookingWorld } from './factories'
import type { Application } from '../../src/declarations'
import type { BookingData } from '../../src/modules/contexts/bookings/bookings.schema'
import type { ClientApplication } from '../../src/client'

/**
 * The world fixture: the one way a test sets up people, companies, a booking and its
 * channel. Each step builds on the one before, so a test asks for as much as it needs.
 */

/** The people of a booking world, by the name a test uses for them. */
export type BookingRole =
  'worker' | 'supervisor' | 'borrowerAdmin' | 'borrowerManager' | 'lenderAdmin' | 'lenderManager' | 'outsider'

export interface WorldOptions {
  /** What differs from a confirmed booking between two fresh companies and fresh people */
  booking?: Partial<BookingData>
}

/**
 * A booking with one person in every participant role, plus an outsider, and no channel
 * yet (a booking's channel opens with its first message).
 */
export function bookingWorld(app: Application, { booking = {} }: WorldOptions = {}): Promise<BookingWorld> {
  return buildBooking(app, booking)
}

/** A booking world with its channel open, as its first message would open it. */
export async function bookingChannel(app: Application, options: WorldOptions = {}) {
  const world = await bookingWorld(app, options)
  const channel = await openBookingChannel(app, world)
  return { ...world, world, channel, channelId: channel.id }
}

/**
 * A booking with one person in every role, its channel open, and the named people connected
 * over Socket.io. They connect after the channel opened, so each is in its room by the time
 * their login answers, and hears every event of the channel from then on.
 */
export async function bookingChannelWithClients<Role extends BookingRole = never>(
  server: TestServer,
  { connected = [], booking = {} }: WorldOptions & { connected?: Role[] } = {}
) {
  const opened = await bookingChannel(server.app, { booking })
  const connections = await Promise.all(connected.map((role) => socketClient(server.url, opened.world[role])))
  const clients = Object.fromEntries(connected.map((role, i) => [role, connections[i]])) as Record<
    Role,
    ClientApplication
  >
  return { ...opened, clients }
}
