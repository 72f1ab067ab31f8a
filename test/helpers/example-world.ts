import assert from 'assert'
import type { Application } from '../../src/declarations'
import type { User } from '../../src/modules/identity/users/users.schema'
import { PASSWORD } from './factories'
import { http, login } from './clients'

/**
 * The world the API docs' examples speak of, with the very ids, emails and codes the
 * services' schemas give as examples: Ana Silva (user 11, ana@example.com) works booking
 * 42 between Northwind Retail (21) and Harbour Staffing (22), supervised by Ben (12); its
 * channel is 7, Ana's row in it 71, its first event 61, Ana's first message 1001, her
 * second (1002) gives a phone number, which the contact guard flags (a confirmed booking)
 * as finding 91, and checkpoint 81 signs the channel's head after both; her phone
 * +15555550123 awaits the code 123456, her device token is 5, a delivery to her 9,
 * and dispute 51 is between her and Carla (13). Dana (1) is an admin. It needs a database
 * of its own (`createSuiteDatabase`): rows are given their ids by moving each table's
 * sequence just before the row is made through the services.
 */
export const EXAMPLE_PEOPLE = {
  dana: { id: 1, email: 'dana@example.com', name: 'Dana Admin', role: 'admin' as const },
  ana: { id: 11, email: 'ana@example.com', name: 'Ana Silva' },
  ben: { id: 12, email: 'ben@example.com', name: 'Ben Okafor' },
  carla: { id: 13, email: 'carla@example.com', name: 'Carla Reyes' },
  dev: { id: 14, email: 'dev@example.com', name: 'Dev Patel' },
  eli: { id: 15, email: 'eli@example.com', name: 'Eli Novak' },
  fay: { id: 16, email: 'fay@example.com', name: 'Fay Lindqvist' }
}
export const EXAMPLE_PHONE = '+15555550123'
export const EXAMPLE_CODE = '123456'

export async function buildExampleWorld(app: Application, url: string) {
  const db = app.get('postgresqlClient')
  // The next row of `table` gets `id`
  const nextId = (table: string, id: number) =>
    db.raw(`select setval(pg_get_serial_sequence(?, 'id'), ?, false)`, [table, id])
  const made = <T extends { id: number }>(row: T, id: number, what: string) => {
    assert.strictEqual(row.id, id, `${what} has the example id`)
    return row
  }

  const people: Partial<Record<keyof typeof EXAMPLE_PEOPLE, User>> = {}
  for (const [key, { id, ...person }] of Object.entries(EXAMPLE_PEOPLE)) {
    await nextId('users', id)
    const user = await app
      .service('users')
      .create({ timezone: 'Europe/Lisbon', ...person, password: PASSWORD })
    people[key as keyof typeof EXAMPLE_PEOPLE] = made(user, id, person.name)
  }
  const companies = []
  for (const [id, name] of [
    [21, 'Northwind Retail'],
    [22, 'Harbour Staffing']
  ] as const) {
    await nextId('companies', id)
    companies.push(made(await app.service('companies').create({ name }), id, name))
  }
  for (const [id, company_id, user_id, role] of [
    [31, 21, 13, 'admin'],
    [32, 21, 14, 'manager'],
    [33, 22, 15, 'admin'],
    [34, 22, 16, 'manager']
  ] as const) {
    await nextId('company_members', id)
    made(await app.service('company-members').create({ company_id, user_id, role }), id, `member ${id}`)
  }
  await nextId('bookings', 42)
  const booking = await app.service('bookings').create({
    borrower_company_id: 21,
    lender_company_id: 22,
    worker_id: 11,
    supervisor_id: 12,
    status: 'confirmed'
  })
  made(booking, 42, 'the booking')

  await nextId('chat_channels', 7)
  await nextId('chat_participants', 71)
  await nextId('chat_channel_events', 61)
  made(
    await app.service('channels').create({ context_type: 'booking', context_id: 42 }, { user: people.ana }),
    7,
    'the channel'
  )
  const [anaInChannel] = await db('chat_participants').where({ channel_id: 7, user_id: 11 })
  assert.strictEqual(anaInChannel.id, 71, 'Ana’s row in the channel has the example id')
  await nextId('chat_messages', 1001)
  made(
    await app
      .service('messages')
      .create({ channel_id: 7, content: 'Good morning, I’m on my way' }, { user: people.ana }),
    1001,
    'Ana’s message'
  )
  // A confirmed booking's channel is flagged by the contact guard: a number is a finding
  await nextId('chat_contact_findings', 91)
  made(
    await app
      .service('messages')
      .create(
        { channel_id: 7, content: 'If the gate is locked, call me on +1 555 555 0123' },
        { user: people.ana }
      ),
    1002,
    'Ana’s message with her number'
  )
  const [finding] = await db('chat_contact_findings').where({ message_id: 1002 })
  assert.strictEqual(Number(finding?.id), 91, 'the contact finding has the example id')
  // An admin's checkpoint of the channel, before the dispute's own (taken in the background)
  await nextId('chat_checkpoints', 81)
  made(await app.service('checkpoints').create({ channel_id: 7 }), 81, 'the checkpoint')

  await nextId('disputes', 51)
  made(await app.service('disputes').create({ booking_id: 42, party_ids: [11, 13] }), 51, 'the dispute')
  await nextId('device_tokens', 5)
  made(
    await app
      .service('device-tokens')
      .create({ token: 'fcm-registration-token-of-anas-phone', platform: 'android' }, { user: people.ana }),
    5,
    'Ana’s device'
  )
  await nextId('notifications', 9)
  await db('notifications').insert({
    user_id: 11,
    channel_id: 7,
    message_id: 1001,
    kind: 'sms',
    provider: 'log',
    status: 'sent',
    attempts: 1,
    body: 'Ana Silva in Booking #42: Good morning, I’m on my way',
    scheduled_for: db.fn.now(),
    sent_at: db.fn.now()
  })

  // Ana sets her number herself, as the docs page would: a code goes to it. The code is
  // random; the pending one becomes the documented code (stored as the service keys it)
  const token = await login(url, { email: EXAMPLE_PEOPLE.ana.email, password: PASSWORD })
  const setPhone = await http(url, 'PATCH', '/users/11', { token, body: { phone: EXAMPLE_PHONE } })
  assert.strictEqual(setPhone.status, 200, setPhone.text)
  const confirmations = app.service('phone-confirmations')
  const updated = await db('phone_confirmations')
    .where({ user_id: 11 })
    .update({ code_hash: confirmations['hashOf'](11, EXAMPLE_PHONE, EXAMPLE_CODE) })
  assert.strictEqual(updated, 1, 'a code awaits Ana’s number')
  return { people, booking }
}
