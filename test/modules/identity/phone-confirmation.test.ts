import assert from 'assert'
import { useServer } from '../../helpers/app'
import { buildBooking, buildUser, openBookingChannel } from '../../helpers/factories'
import { closeClients, socketClient } from '../../helpers/clients'
import { notificationSettings } from '../../helpers/notifications'
import { notificationsOf } from '../../../src/modules/notifications'
import type { LogSmsProvider } from '../../../src/modules/notifications/providers/log'

const randomPhone = () => `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`

describe('phone numbers people set for themselves', function () {
  this.timeout(60_000)
  const server = useServer({ notifications: notificationSettings() })
  const sms = () => notificationsOf(server.app).providers.sms as LogSmsProvider
  const codeSentTo = (phone: string) => {
    const texts = sms().sent.filter((text) => text.to === phone)
    return /code: (\d{6})/.exec(texts.at(-1)?.body ?? '')?.[1]
  }
  after(() => closeClients())

  it('get no notification until their owner enters the code sent to them', async () => {
    const now = new Date('2026-11-25T12:00:00Z')
    notificationsOf(server.app).clock.now = () => now
    const world = await buildBooking(server.app)
    const channel = await openBookingChannel(server.app, world)
    const client = await socketClient(server.url, world.supervisor)
    const phone = randomPhone()
    const patched = await client.service('users').patch(world.supervisor.id, { phone })
    assert.strictEqual(patched.phone, phone)
    assert.strictEqual(patched.phone_confirmed_at, null, 'not confirmed yet')
    const code = codeSentTo(phone)
    assert.ok(code, 'a code went to the new number')

    // Offline with an unconfirmed number: nothing goes to it
    ;(client.io as any).close()
    await server.app.service('messages').create({ channel_id: channel.id, content: 'before confirming' }, { user: world.worker })
    await notificationsOf(server.app).planner.settled()
    const planned = await server.app.get('postgresqlClient')('notifications').where({ user_id: world.supervisor.id, kind: 'sms' })
    assert.deepStrictEqual(planned, [])

    const owner = await socketClient(server.url, world.supervisor)
    const wrong = code === '000000' ? '000001' : '000000'
    await assert.rejects(owner.service('phone-confirmations').create({ code: wrong }), (error: any) => error.code === 400)
    await assert.rejects(owner.service('phone-confirmations').create({ code: 'abc' } as any), (error: any) => error.code === 400)
    const confirmed = await owner.service('phone-confirmations').create({ code: code! })
    assert.strictEqual(confirmed.phone, phone)
    assert.ok(confirmed.phone_confirmed_at)
    await assert.rejects(owner.service('phone-confirmations').create({ code: code! }), (error: any) => error.code === 404, 'a code works once')
    ;(owner.io as any).close()

    await server.app.service('messages').create({ channel_id: channel.id, content: 'after confirming' }, { user: world.worker })
    await notificationsOf(server.app).planner.settled()
    notificationsOf(server.app).clock.now = () => new Date(now.getTime() + 31_000)
    await notificationsOf(server.app).scheduler.runOnce()
    assert.ok(sms().sent.some((text) => text.to === phone && /new message/.test(text.body)), 'the confirmed number is notified')
  })

  it('refuses a code after five wrong ones, and a code for a number since replaced', async () => {
    const user = await buildUser(server.app)
    const client = await socketClient(server.url, user)
    const first = randomPhone()
    await client.service('users').patch(user.id, { phone: first })
    const firstCode = codeSentTo(first)!
    const wrong = firstCode === '000000' ? '000001' : '000000'
    for (let i = 0; i < 5; i++) await assert.rejects(client.service('phone-confirmations').create({ code: wrong }), (error: any) => error.code === 400)
    await assert.rejects(client.service('phone-confirmations').create({ code: firstCode }), (error: any) => error.code === 429)

    const second = randomPhone()
    await client.service('users').patch(user.id, { phone: second })
    assert.notStrictEqual(codeSentTo(second), undefined)
    await assert.rejects(client.service('phone-confirmations').create({ code: firstCode === codeSentTo(second) ? '123456' : firstCode }), (error: any) => error.code === 400)
    await client.service('phone-confirmations').create({ code: codeSentTo(second)! })
  })

  it('takes a number an admin sets, and numbers of accounts admins create, as confirmed', async () => {
    const user = await buildUser(server.app, { phone: randomPhone() })
    assert.ok((await server.app.service('users').get(user.id)).phone_confirmed_at)
    const admin = await socketClient(server.url, await buildUser(server.app, { role: 'admin' }))
    const phone = randomPhone()
    const patched = await admin.service('users').patch(user.id, { phone })
    assert.ok(patched.phone_confirmed_at)
    assert.strictEqual(codeSentTo(phone), undefined, 'no code is sent for it')
  })

  it('sends codes to one number at most the hourly SMS cap, however often someone sets it', async () => {
    const victim = randomPhone()
    const user = await buildUser(server.app)
    const client = await socketClient(server.url, user)
    for (let i = 0; i < 30; i++) {
      await client.service('users').patch(user.id, { phone: i % 2 ? randomPhone() : victim })
    }
    assert.strictEqual(sms().sent.filter((text) => text.to === victim).length, 10, 'fifteen times set, ten codes sent')
  })
})
