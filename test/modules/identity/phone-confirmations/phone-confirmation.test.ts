import assert from 'assert'
import { useServer } from '../../../helpers/app'
import { buildAdmin, buildUser, openBookingChannel } from '../../../helpers/factories'
import { bookingWorld, bookingChannel } from '../../../helpers/fixtures'
import { http, login, socketClient } from '../../../helpers/clients'
import { notificationSettings } from '../../../helpers/notifications'
import { codeSentTo, otherThan, randomPhone, smsTo, useTwilio } from '../../../helpers/phones'
import { notificationsOf } from '../../../../src/modules/notifications'
import type { User } from '../../../../src/client'

describe('phone numbers people set for themselves', function () {
  this.timeout(60_000)
  const server = useServer({ notifications: notificationSettings() })
  const twilio = useTwilio(server)

  it('get no notification until their owner enters the code sent to them', async () => {
    const now = new Date('2026-11-25T12:00:00Z')
    notificationsOf(server.app).clock.now = () => now
    const { world, channel } = await bookingChannel(server.app)
    const client = await socketClient(server.url, world.supervisor)
    const phone = randomPhone()
    const patched = await client.service('users').patch(world.supervisor.id, { phone })
    assert.strictEqual(patched.phone, phone)
    assert.strictEqual(patched.phone_confirmed_at, null, 'not confirmed yet')
    const code = codeSentTo(twilio(), phone)
    assert.ok(code, 'a code went to the new number through Twilio')
    assert.match(smsTo(twilio(), phone)[0], /expires in 10 minutes/)

    // Offline with an unconfirmed number: nothing goes to it
    ;(client.io as any).close()
    await server.app
      .service('messages')
      .create({ channel_id: channel.id, content: 'before confirming' }, { user: world.worker })
    await notificationsOf(server.app).planner.settled()
    const planned = await server.app
      .get('postgresqlClient')('notifications')
      .where({ user_id: world.supervisor.id, kind: 'sms' })
    assert.deepStrictEqual(planned, [])

    const token = await login(server.url, world.supervisor)
    const confirm = (body: unknown) => http<User>(server.url, 'POST', '/phone-confirmations', { token, body })
    assert.strictEqual((await confirm({ code: otherThan(code!) })).status, 400)
    assert.strictEqual((await confirm({ code: 'abc' })).status, 400)
    const confirmed = await confirm({ code })
    assert.strictEqual(confirmed.status, 201, confirmed.text)
    assert.strictEqual(confirmed.body.phone, phone)
    assert.ok(confirmed.body.phone_confirmed_at)
    assert.strictEqual((await confirm({ code })).status, 404, 'a code works once')

    await server.app
      .service('messages')
      .create({ channel_id: channel.id, content: 'after confirming' }, { user: world.worker })
    await notificationsOf(server.app).planner.settled()
    notificationsOf(server.app).clock.now = () => new Date(now.getTime() + 31_000)
    await notificationsOf(server.app).scheduler.runOnce()
    assert.ok(
      smsTo(twilio(), phone).some((body) => /new message/.test(body)),
      'the confirmed number is notified'
    )
  })

  it('does not send a delivery planned for a confirmed number to the unconfirmed one that replaced it', async () => {
    const now = new Date('2026-11-25T13:00:00Z')
    notificationsOf(server.app).clock.now = () => now
    const world = await bookingWorld(server.app)
    const confirmed = randomPhone()
    await server.app.service('users').patch(world.supervisor.id, { phone: confirmed })
    const channel = await openBookingChannel(server.app, world)
    await server.app
      .service('messages')
      .create({ channel_id: channel.id, content: 'planned for the old number' }, { user: world.worker })
    await notificationsOf(server.app).planner.settled()

    const stranger = randomPhone()
    const client = await socketClient(server.url, world.supervisor)
    await client.service('users').patch(world.supervisor.id, { phone: stranger })
    ;(client.io as any).close()
    notificationsOf(server.app).clock.now = () => new Date(now.getTime() + 31_000)
    await notificationsOf(server.app).scheduler.runOnce()
    const [row] = await server.app
      .get('postgresqlClient')('notifications')
      .where({ user_id: world.supervisor.id, kind: 'sms' })
    assert.deepStrictEqual([row.status, row.reason], ['skipped', 'no phone number'])
    assert.deepStrictEqual(
      smsTo(twilio(), stranger).filter((body) => !/code:/.test(body)),
      []
    )
  })

  it('refuses a code after five wrong ones, and a code for a number since replaced; the same number set again gets a new code', async () => {
    const user = await buildUser(server.app)
    const client = await socketClient(server.url, user)
    const first = randomPhone()
    await client.service('users').patch(user.id, { phone: first })
    const firstCode = codeSentTo(twilio(), first)!
    // While that code can still be used, saving the same number again sends nothing
    await client.service('users').patch(user.id, { phone: first, name: 'Renamed' })
    assert.strictEqual(smsTo(twilio(), first).length, 1)
    for (let i = 0; i < 5; i++) {
      await assert.rejects(
        client.service('phone-confirmations').create({ code: otherThan(firstCode) }),
        (error: any) => error.code === 400
      )
    }
    await assert.rejects(
      client.service('phone-confirmations').create({ code: firstCode }),
      (error: any) => error.code === 429
    )

    // Spent: the same number set again is how its owner gets a new code
    await client.service('users').patch(user.id, { phone: first })
    assert.strictEqual(smsTo(twilio(), first).length, 2)
    const again = codeSentTo(twilio(), first)!
    if (again !== firstCode)
      await assert.rejects(
        client.service('phone-confirmations').create({ code: firstCode }),
        (error: any) => error.code === 400
      )

    const second = randomPhone()
    await client.service('users').patch(user.id, { phone: second })
    const secondCode = codeSentTo(twilio(), second)!
    await assert.rejects(
      client.service('phone-confirmations').create({ code: again === secondCode ? otherThan(again) : again }),
      (error: any) => error.code === 400
    )
    const confirmed = await client.service('phone-confirmations').create({ code: secondCode })
    assert.strictEqual(confirmed.phone, second)
    assert.ok((await server.app.service('users').get(user.id)).phone_confirmed_at)
  })

  it('takes numbers admins and admin tooling set, and those of accounts they create, as confirmed', async () => {
    const user = await buildUser(server.app, { phone: randomPhone() })
    assert.ok((await server.app.service('users').get(user.id)).phone_confirmed_at)
    const admin = await socketClient(server.url, await buildAdmin(server.app))
    const byAdmin = randomPhone()
    assert.ok((await admin.service('users').patch(user.id, { phone: byAdmin })).phone_confirmed_at)
    // Internal calls: the bench and other tooling give their people numbers this way
    const byTooling = randomPhone()
    assert.ok((await server.app.service('users').patch(user.id, { phone: byTooling })).phone_confirmed_at)
    assert.deepStrictEqual(
      [...smsTo(twilio(), byAdmin), ...smsTo(twilio(), byTooling)],
      [],
      'no code is sent for them'
    )
  })

  it('keeps a number unconfirmed when an admin saves it back unchanged, and unconfirms a number its owner replaces', async () => {
    const user = await buildUser(server.app, { phone: randomPhone() })
    const own = await socketClient(server.url, user)
    const typed = randomPhone()
    await own.service('users').patch(user.id, { phone: typed })
    // An edit form sends the whole profile back: that vouches for nothing
    const admin = await socketClient(server.url, await buildAdmin(server.app))
    const saved = await admin.service('users').patch(user.id, { phone: typed, name: 'Edited by admin' })
    assert.strictEqual(saved.phone_confirmed_at, null)
    const removed = await own.service('users').patch(user.id, { phone: null })
    assert.deepStrictEqual([removed.phone, removed.phone_confirmed_at], [null, null])
  })

  it('shows whether a number is confirmed to its owner and admins only', async () => {
    const user = await buildUser(server.app, { phone: randomPhone() })
    const other = await socketClient(server.url, await buildUser(server.app))
    const own = await socketClient(server.url, user)
    assert.ok((await own.service('users').get(user.id)).phone_confirmed_at)
    const admin = await socketClient(server.url, await buildAdmin(server.app))
    assert.ok((await admin.service('users').get(user.id)).phone_confirmed_at)
    assert.strictEqual((await other.service('users').get(user.id)).phone_confirmed_at, undefined)
  })
})
