import { useServer } from './app'
import type { TestServer } from './app'
import { nextEvent, socketClient } from './clients'
import { buildBooking, openBookingChannel } from './factories'
import { redisSettings } from './redis'
import type { BookingWorld, TestUser } from './factories'
import type { Application } from '../../src/declarations'
import type { ConfigurationOverrides } from '../../src/app'
import type { BookingData } from '../../src/modules/contexts/bookings/bookings.schema'
import type { ClientApplication } from '../../src/client'
import type { UserPatch } from '../../src/modules/identity/users/users.schema'

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
  /** People of another world who take these roles here too (one worker on two bookings) */
  existing?: { worker?: TestUser; supervisor?: TestUser }
  /** What differs in a person's profile, set before the channel opens (names it records) */
  profiles?: { [Role in BookingRole]?: UserPatch }
}

/**
 * A booking with one person in every participant role, plus an outsider, and no channel
 * yet (a booking's channel opens with its first message).
 */
export async function bookingWorld(
  app: Application,
  { booking = {}, existing = {}, profiles = {} }: WorldOptions = {}
): Promise<BookingWorld> {
  const { worker, supervisor } = existing
  const world = await buildBooking(app, {
    ...(worker && { worker_id: worker.id }),
    ...(supervisor && { supervisor_id: supervisor.id }),
    ...booking
  })
  const people: BookingWorld = { ...world, ...(worker && { worker }), ...(supervisor && { supervisor }) }
  for (const [role, patch] of Object.entries(profiles) as [BookingRole, UserPatch][]) {
    const patched = await app.service('users').patch(people[role].id, patch)
    people[role] = { ...patched, password: people[role].password }
  }
  return people
}

/** A booking world with its channel open, as its first message would open it. */
export async function bookingChannel(app: Application, options: WorldOptions = {}) {
  const world = await bookingWorld(app, options)
  const channel = await openBookingChannel(app, world)
  return { ...world, world, channel, channelId: channel.id }
}

/** The companies and people of a booking world that another of their bookings needs. */
export type BookingParties = Pick<
  BookingWorld,
  'borrowerCompanyId' | 'lenderCompanyId' | 'worker' | 'supervisor'
>

/**
 * One more booking of the same companies and people (confirmed unless `booking` says
 * otherwise), its channel open: a person in several channels, a company with several bookings.
 */
export async function anotherBookingChannel(
  app: Application,
  parties: BookingParties,
  booking: Partial<BookingData> = {}
) {
  const created = await app.service('bookings').create({
    borrower_company_id: parties.borrowerCompanyId,
    lender_company_id: parties.lenderCompanyId,
    worker_id: parties.worker.id,
    supervisor_id: parties.supervisor.id,
    status: 'confirmed',
    ...booking
  })
  return app
    .service('channels')
    .create({ context_type: 'booking', context_id: created.id }, { user: parties.worker })
}

/**
 * A booking with one person in every role, its channel open, and the named people connected
 * over Socket.io. They connect after the channel opened, so each is in its room by the time
 * their login answers, and hears every event of the channel from then on. With
 * `connectFirst` they connect before it opens instead, and the fixture returns once each of
 * them has heard it open (a suite that follows the opening itself).
 */
export async function bookingChannelWithClients<Role extends BookingRole = never>(
  server: TestServer,
  {
    connected = [],
    connectFirst = false,
    ...options
  }: WorldOptions & { connected?: Role[]; connectFirst?: boolean } = {}
) {
  const world = await bookingWorld(server.app, options)
  const connect = () => Promise.all(connected.map((role) => socketClient(server.url, world[role])))
  let connections = connectFirst ? await connect() : []
  const heard = connections.map((client) =>
    nextEvent(client, 'channels', 'created', (channel) => channel.context_id === world.booking.id)
  )
  const channel = await openBookingChannel(server.app, world)
  await Promise.all(heard)
  if (!connectFirst) connections = await connect()
  const clients = Object.fromEntries(connected.map((role, i) => [role, connections[i]])) as Record<
    Role,
    ClientApplication
  >
  return { ...world, world, channel, channelId: channel.id, clients }
}

/**
 * Two instances on one Redis, and a booking channel opened through the first (`a`): the
 * scene of a suite that follows messages and connections from one instance to the other.
 * The channel is there once the suite's `before` hooks run. `overrides` go to both instances
 * (the presence settings of a suite that follows presence, say).
 */
export function useTwoInstancesWithChannel(overrides: ConfigurationOverrides = {}) {
  const a = useServer({ redis: redisSettings(), ...overrides })
  const b = useServer({ redis: redisSettings(), ...overrides })
  const scene = {} as Awaited<ReturnType<typeof bookingChannel>>
  before(async () => {
    Object.assign(scene, await bookingChannel(a.app))
  })
  return { a, b, scene }
}

/**
 * A suite's booking channel with its people connected (`bookingChannelWithClients`), there
 * once the suite's `before` hooks run. Its world, channel and clients are objects filled in
 * place, so that a suite takes them apart where it declares them, in one line.
 */
export function useBookingChannelWithClients<Role extends BookingRole = never>(
  server: TestServer,
  options: Parameters<typeof bookingChannelWithClients<Role>>[1] = {}
) {
  type Scene = Awaited<ReturnType<typeof bookingChannelWithClients<Role>>>
  const scene = { world: {}, channel: {}, clients: {} } as Pick<Scene, 'world' | 'channel' | 'clients'>
  before(async () => {
    const { world, channel, clients } = await bookingChannelWithClients(server, options)
    Object.assign(scene.world, world)
    Object.assign(scene.channel, channel)
    Object.assign(scene.clients, clients)
  })
  return scene
}
