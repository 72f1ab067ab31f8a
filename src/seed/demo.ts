import type { Application } from '../declarations'

export const DEMO_PASSWORD = 'demo-password'

export interface DemoData {
  logins: { email: string; name: string; role: string }[]
  booking_id: number
}

/** A small marketplace to try the chat with: two companies, their people and a booking. */
export async function seedDemo(app: Application): Promise<DemoData> {
  const users = app.service('users')
  const person = (email: string, name: string, role: 'user' | 'admin' = 'user') =>
    users.create({ email, name, role, password: DEMO_PASSWORD })

  const admin = await person('admin@demo.local', 'Ada Admin', 'admin')
  const worker = await person('ana@demo.local', 'Ana Worker')
  const supervisor = await person('ben@demo.local', 'Ben Supervisor')
  const borrowerManager = await person('carla@demo.local', 'Carla Manager')
  const lenderAdmin = await person('dan@demo.local', 'Dan Lender')

  const borrower = await app.service('companies').create({ name: 'Acme Builders' })
  const lender = await app.service('companies').create({ name: 'Northwind Staffing' })
  await app
    .service('company-members')
    .create({ company_id: borrower.id, user_id: borrowerManager.id, role: 'manager' })
  await app
    .service('company-members')
    .create({ company_id: lender.id, user_id: lenderAdmin.id, role: 'admin' })

  const booking = await app.service('bookings').create({
    borrower_company_id: borrower.id,
    lender_company_id: lender.id,
    worker_id: worker.id,
    supervisor_id: supervisor.id,
    status: 'confirmed'
  })
  await app
    .service('messages')
    .create(
      { context_type: 'booking', context_id: booking.id, content: 'Welcome! Ana starts Monday at 7:00.' },
      { user: supervisor }
    )

  return {
    booking_id: booking.id,
    logins: [admin, worker, supervisor, borrowerManager, lenderAdmin].map(({ email, name, role }) => ({
      email,
      name,
      role
    }))
  }
}

export function describeDemo(demo: DemoData, baseUrl: string) {
  const lines = [
    `Demo data: booking #${demo.booking_id} has a chat channel. Everyone's password is "${DEMO_PASSWORD}".`,
    ...demo.logins.map((login) => `  ${login.email.padEnd(20)} ${login.name} (${login.role})`),
    `Log in:  curl -s -X POST ${baseUrl}/authentication -H 'Content-Type: application/json' \\`,
    `           -d '{"strategy":"local","email":"ana@demo.local","password":"${DEMO_PASSWORD}"}'`,
    `Then:    curl -s '${baseUrl}/channels' -H 'Authorization: Bearer <accessToken>'`
  ]
  return lines.join('\n')
}
