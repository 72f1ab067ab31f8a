import type { Application } from '../../src/declarations'
import type { User, UserData } from '../../src/modules/identity/users/users.schema'
import type { Booking, BookingData } from '../../src/modules/contexts/bookings/bookings.schema'
import type { Dispute } from '../../src/modules/contexts/disputes/disputes.schema'

export const PASSWORD = 'correct horse battery'

let sequence = 0
const unique = () => `${process.pid}-${Date.now().toString(36)}-${++sequence}`

/** An address no other test uses. */
export const uniqueEmail = (label: string) => `${label}-${unique()}@Example.test`

export type TestUser = User & { password: string }

/** A user created through the service (as admin tooling would), with its plain password. */
export async function buildUser(app: Application, overrides: Partial<UserData> = {}): Promise<TestUser> {
  const id = unique()
  const user = await app.service('users').create({
    email: `user-${id}@example.test`,
    name: `User ${id}`,
    password: PASSWORD,
    ...overrides
  })
  return { ...user, password: overrides.password ?? PASSWORD }
}

export const buildAdmin = (app: Application, overrides: Partial<UserData> = {}) =>
  buildUser(app, { role: 'admin', ...overrides })

export async function buildCompany(app: Application, name = `Company ${unique()}`) {
  return app.service('companies').create({ name })
}

export async function addMember(
  app: Application,
  companyId: number,
  userId: number,
  role: 'admin' | 'manager'
) {
  return app.service('company-members').create({ company_id: companyId, user_id: userId, role })
}

export interface BookingWorld {
  booking: Booking
  worker: TestUser
  supervisor: TestUser
  borrowerAdmin: TestUser
  borrowerManager: TestUser
  lenderAdmin: TestUser
  lenderManager: TestUser
  outsider: TestUser
  borrowerCompanyId: number
  lenderCompanyId: number
}

/** A booking with one person in every participant role, plus an outsider (tests take it through the world fixture, fixtures.ts). */
export async function buildBooking(
  app: Application,
  overrides: Partial<BookingData> = {}
): Promise<BookingWorld> {
  const [worker, supervisor, borrowerAdmin, borrowerManager, lenderAdmin, lenderManager, outsider] =
    await Promise.all(Array.from({ length: 7 }, () => buildUser(app)))
  const borrower = await buildCompany(app)
  const lender = await buildCompany(app)
  await addMember(app, borrower.id, borrowerAdmin.id, 'admin')
  await addMember(app, borrower.id, borrowerManager.id, 'manager')
  await addMember(app, lender.id, lenderAdmin.id, 'admin')
  await addMember(app, lender.id, lenderManager.id, 'manager')
  const booking = await app.service('bookings').create({
    borrower_company_id: borrower.id,
    lender_company_id: lender.id,
    worker_id: worker.id,
    supervisor_id: supervisor.id,
    status: 'confirmed',
    ...overrides
  })
  return {
    booking,
    worker,
    supervisor,
    borrowerAdmin,
    borrowerManager,
    lenderAdmin,
    lenderManager,
    outsider,
    borrowerCompanyId: borrower.id,
    lenderCompanyId: lender.id
  }
}

export async function buildDispute(
  app: Application,
  bookingId: number,
  partyIds: number[]
): Promise<Dispute> {
  return app.service('disputes').create({ booking_id: bookingId, party_ids: partyIds })
}

/** Opens the booking's channel the way a first message would, as an internal call. */
export async function openBookingChannel(app: Application, world: BookingWorld) {
  return app
    .service('channels')
    .create({ context_type: 'booking', context_id: world.booking.id }, { user: world.worker })
}
