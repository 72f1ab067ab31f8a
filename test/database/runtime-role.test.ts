import assert from 'assert'
import crypto from 'crypto'
import type { Knex } from 'knex'
import { createKnex } from '../../src/database/postgresql'
import { migrate } from '../../src/database/migrate'
import { startApp } from '../helpers/app'
import type { TestServer } from '../helpers/app'
import { testDatabaseUrl } from '../helpers/database'
import { bookingChannel, bookingWorld } from '../helpers/fixtures'
import { closeClients, http, login } from '../helpers/clients'
import { runtimeGrants } from '../helpers/runtime-role'
import { notificationsOf } from '../../src/modules/notifications'
import type { LogSmsProvider } from '../../src/modules/notifications/providers/log'
import type { Message } from '../../src/client'

/**
 * The owner of a table can switch its triggers off, so the history guard holds only
 * against a role that does not own the tables: such a role runs the whole app, and
 * cannot take the guard away.
 */
describe('the app connected as a role that does not own the tables', function () {
  this.timeout(30_000)
  const role = `chat_runtime_${process.pid}_${crypto.randomBytes(3).toString('hex')}`
  let owner: Knex
  let runtime: Knex
  let server: TestServer | undefined

  before(async () => {
    owner = createKnex({ url: testDatabaseUrl, dataDir: '', pool: { min: 0, max: 1 } })
    await owner.raw(`create role ${role} login nosuperuser nocreatedb nocreaterole`)
    for (const statement of runtimeGrants(role)) await owner.raw(statement)
    const url = new URL(testDatabaseUrl)
    url.username = role
    runtime = createKnex({ url: url.toString(), dataDir: '', pool: { min: 0, max: 1 } })
    server = await startApp({ database: { url: url.toString(), dataDir: '', pool: { min: 0, max: 5 } } })
  })
  after(async () => {
    closeClients()
    await server?.close()
    await runtime?.destroy()
    await owner.raw(`drop owned by ${role}`)
    await owner.raw(`drop role ${role}`)
    await owner.destroy()
  })

  const errorOf = async (statement: Knex.Raw) => {
    try {
      await statement
      return undefined
    } catch (error: any) {
      return error
    }
  }

  it('cannot switch the history guard off, replace it, or delete and truncate history', async () => {
    const [message] = await owner('chat_messages').select('id').limit(1)
    for (const statement of [
      'alter table chat_messages disable trigger all',
      'alter table chat_messages disable trigger chat_messages_no_update',
      'drop trigger chat_messages_no_update on chat_messages',
      `create or replace function chat_messages_append_only() returns trigger language plpgsql as $$ begin return new; end $$`,
      'drop trigger chat_messages_names_kept on chat_messages',
      `create or replace function chat_messages_names_kept() returns trigger language plpgsql as $$ begin return new; end $$`,
      'set session_replication_role = replica',
      'truncate chat_messages',
      `delete from chat_messages where id = ${Number(message?.id ?? 0)}`
    ]) {
      const error = await errorOf(runtime.raw(statement))
      assert.ok(error, `${statement}: should have been refused`)
      assert.strictEqual(
        error.code,
        '42501',
        `${statement}: refused for want of privilege (${error.message})`
      )
    }
    const triggers = await owner.raw(`select tgname from pg_trigger
      where tgrelid = 'chat_messages'::regclass and not tgisinternal and tgenabled = 'O' order by tgname`)
    assert.deepStrictEqual(
      triggers.rows.map((row: { tgname: string }) => row.tgname),
      [
        'chat_messages_chain_writer',
        'chat_messages_live_insert',
        'chat_messages_names_kept',
        'chat_messages_no_delete',
        'chat_messages_no_truncate',
        'chat_messages_no_update'
      ]
    )
  })

  it('starts (nothing to migrate), and sends and soft-deletes a message over HTTP', async () => {
    assert.deepStrictEqual(await migrate(runtime), [])
    const { world, channel } = await bookingChannel(server!.app)
    const token = await login(server!.url, world.worker)
    const sent = await http<Message>(server!.url, 'POST', '/messages', {
      token,
      body: { channel_id: channel.id, content: 'Running late' }
    })
    assert.strictEqual(sent.status, 201, sent.text)
    const removed = await http(server!.url, 'DELETE', `/messages/${sent.body.id}`, { token })
    assert.strictEqual(removed.status, 200, removed.text)
    const stored = await owner('chat_messages').where({ id: sent.body.id }).first()
    assert.strictEqual(stored.is_deleted, true)
    assert.ok(stored.deleted_at)
    assert.strictEqual(stored.content, 'Running late')
    // The chain's functions and triggers run with the role's own privileges
    assert.deepStrictEqual((await server!.app.service('history-checks').get(channel.id)).problems, [])
  })

  it('confirms a phone number its owner set: the pending codes’ table is granted like the others', async () => {
    const world = await bookingWorld(server!.app)
    const token = await login(server!.url, world.worker)
    const phone = `+1555${String(crypto.randomInt(1e7)).padStart(7, '0')}`
    const patched = await http(server!.url, 'PATCH', `/users/${world.worker.id}`, { token, body: { phone } })
    assert.strictEqual(patched.status, 200, patched.text)
    const sms = notificationsOf(server!.app).providers.sms as LogSmsProvider
    const code = /code: (\d{6})/.exec(sms.sent.filter((text) => text.to === phone).at(-1)?.body ?? '')?.[1]
    const confirmed = await http(server!.url, 'POST', '/phone-confirmations', { token, body: { code } })
    assert.strictEqual(confirmed.status, 201, confirmed.text)
    assert.ok((await owner('users').where({ id: world.worker.id }).first()).phone_confirmed_at)
    assert.deepStrictEqual(await owner('phone_confirmations').where({ user_id: world.worker.id }), [])
  })

  it('cannot switch off the events’ guard, or change or delete an event', async () => {
    for (const statement of [
      'alter table chat_channel_events disable trigger all',
      `update chat_channel_events set detail = 'x'`,
      'delete from chat_channel_events',
      'truncate chat_channel_events'
    ]) {
      const error = await errorOf(runtime.raw(statement))
      assert.strictEqual(
        error?.code,
        '42501',
        `${statement}: refused for want of privilege (${error?.message})`
      )
    }
  })
})
