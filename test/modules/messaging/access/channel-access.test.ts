import assert from 'assert'
import type { Knex } from 'knex'
import { useServer } from '../../../helpers/app'
import { buildAdmin, buildUser } from '../../../helpers/factories'
import { bookingChannel } from '../../../helpers/fixtures'
import type { TestUser } from '../../../helpers/factories'
import { recordEvents, restClient, sleep, socketClient } from '../../../helpers/clients'
import { QUIET_MS } from '../../../helpers/assertions'
import type { ClientApplication } from '../../../../src/client'
import {
  mayDelete,
  mayRead,
  mayViewAndType,
  mayWrite,
  mayWriteSql,
  maySeePresenceOf,
  maySeeRecord,
  participatesSql
} from '../../../../src/modules/messaging/access/channel-access'
import type { Caller, Standing } from '../../../../src/modules/messaging/access/channel-access'

type Role = 'participant' | 'admin' | 'removed participant' | 'outsider' | 'disabled user' | 'internal call'
type Transport = 'REST' | 'Socket.io' | 'internal'
/** What a call came to: allowed, or the code it was refused with; a read that hides the channel counts as refused. */
type Verdict = 'allowed' | number
type Calls = Pick<ClientApplication, 'service'>

const allowed = (yes: boolean) => (yes ? 'allowed' : 'refused')
const verdictOf = async (call: () => Promise<unknown>): Promise<Verdict> => {
  try {
    return (await call()) === false ? 404 : 'allowed'
  } catch (error: any) {
    return error.code ?? 500
  }
}

/**
 * Every role against every way into a channel, over every transport: each answer is the
 * one the channel-access policy gives for that role, and refusals are 4xx Feathers errors.
 */
describe('the channel-access policy', () => {
  const server = useServer()
  let channelId: number
  let othersMessageId: number
  let workerParticipantId: number
  let people: Record<Exclude<Role, 'internal call'>, TestUser>
  let sender: TestUser

  before(async () => {
    const opened = await bookingChannel(server.app)
    const { world } = opened
    channelId = opened.channelId
    const admin = await buildAdmin(server.app)
    // The first supervisor is replaced, and so leaves the channel
    await server.app
      .service('bookings')
      .patch(world.booking.id, { supervisor_id: (await buildUser(server.app)).id })
    sender = world.borrowerManager
    const message = await server.app
      .service('messages')
      .create({ channel_id: channelId, content: 'Shift starts at six' }, { user: sender })
    othersMessageId = message.id
    const rows = await server.app.service('participants').find({ query: { channel_id: channelId } })
    workerParticipantId = rows.data.find((row) => row.user_id === world.worker.id)!.id
    people = {
      participant: world.worker,
      admin,
      'removed participant': world.supervisor,
      outsider: world.outsider,
      'disabled user': world.lenderManager
    }
  })

  /** Where a role stands with the channel, as the policy reads it. */
  const callerOf = (role: Role, transport: Transport): Caller =>
    role === 'internal call'
      ? {}
      : { provider: transport === 'REST' ? 'rest' : 'socketio', user: people[role] }
  const standingOf = (role: Role): Standing => ({
    exists: true,
    status: 'active',
    participant: role === 'participant' || role === 'disabled user'
  })

  /** Every way in, with what the policy says of it for a caller. */
  const waysIn: Array<{
    name: string
    expected: (caller: Caller, standing: Standing) => boolean
    call: (calls: Calls) => Promise<unknown>
  }> = [
    { name: 'channels.get', expected: mayRead, call: (c) => c.service('channels').get(channelId) },
    {
      name: 'channels.find',
      expected: mayRead,
      call: async (c) =>
        (await c.service('channels').find({ query: { $limit: 100 } })).data.some((ch) => ch.id === channelId)
    },
    {
      name: 'messages.find',
      expected: mayRead,
      call: (c) => c.service('messages').find({ query: { channel_id: channelId } })
    },
    { name: 'messages.get', expected: mayRead, call: (c) => c.service('messages').get(othersMessageId) },
    {
      name: 'participants.find',
      expected: mayRead,
      call: (c) => c.service('participants').find({ query: { channel_id: channelId } })
    },
    {
      name: 'participants.get',
      expected: mayRead,
      call: (c) => c.service('participants').get(workerParticipantId)
    },
    {
      name: 'channel-events.find',
      expected: mayRead,
      call: (c) => c.service('channel-events').find({ query: { channel_id: channelId } })
    },
    {
      name: 'presence.find (of the participant)',
      expected: (caller, standing) => maySeePresenceOf(caller, people.participant.id, standing.participant),
      call: async (c) =>
        (await c.service('presence').find({ query: { user_id: people.participant.id } })).data.length === 1
    },
    {
      name: 'messages.find with $withDeleted',
      expected: (caller, standing) => mayRead(caller, standing) && maySeeRecord(caller),
      call: (c) => c.service('messages').find({ query: { channel_id: channelId, $withDeleted: true } })
    },
    { name: 'transcripts.get', expected: maySeeRecord, call: (c) => c.service('transcripts').get(channelId) },
    {
      name: 'history-checks.get',
      expected: maySeeRecord,
      call: (c) => c.service('history-checks').get(channelId)
    },
    {
      name: 'messages.create',
      expected: (caller, standing) => caller.user !== undefined && mayWrite(caller.user, standing),
      call: (c) => c.service('messages').create({ channel_id: channelId, content: 'May I?' })
    }
  ]

  const transports: Transport[] = ['REST', 'Socket.io']
  const clientFor = (role: Role, transport: Transport): Promise<Calls> =>
    transport === 'REST'
      ? restClient(server.url, people[role as 'admin'])
      : socketClient(server.url, people[role as 'admin'])

  for (const role of ['participant', 'admin', 'removed participant', 'outsider'] as const) {
    it(`gives ${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} the policy's answer at every way in, over REST and Socket.io`, async () => {
      for (const transport of transports) {
        const client = await clientFor(role, transport)
        const caller = callerOf(role, transport)
        for (const way of waysIn) {
          const verdict = await verdictOf(() => way.call(client))
          const what = `${role} ${way.name} over ${transport}: ${verdict}`
          assert.strictEqual(
            allowed(verdict === 'allowed'),
            allowed(way.expected(caller, standingOf(role))),
            what
          )
          if (verdict !== 'allowed') assert.ok([400, 403, 404].includes(verdict), what)
        }
      }
    })
  }

  it("gives an internal call the policy's answer at every way in", async () => {
    const calls = server.app as unknown as Calls
    for (const way of waysIn) {
      const verdict = await verdictOf(() => way.call(calls))
      const what = `internal call ${way.name}: ${verdict}`
      assert.strictEqual(
        allowed(verdict === 'allowed'),
        allowed(way.expected({}, standingOf('internal call'))),
        what
      )
    }
  })

  it('deletes only where the policy lets the caller, over REST, Socket.io and internally', async () => {
    for (const role of ['participant', 'removed participant', 'outsider'] as const) {
      for (const transport of transports) {
        const verdict = await verdictOf(async () =>
          (await clientFor(role, transport)).service('messages').remove(othersMessageId)
        )
        const expected = mayDelete(callerOf(role, transport), standingOf(role), sender.id)
        assert.strictEqual(
          allowed(verdict === 'allowed'),
          allowed(expected),
          `${role} over ${transport}: ${verdict}`
        )
        assert.ok(
          verdict === 'allowed' || [403, 404].includes(verdict),
          `${role} over ${transport}: ${verdict}`
        )
      }
    }
    for (const [role, transport] of [
      ['admin', 'REST'],
      ['internal call', 'internal']
    ] as const) {
      assert.ok(mayDelete(callerOf(role, transport), standingOf(role), sender.id), `${role} may delete`)
      const message = await server.app
        .service('messages')
        .create({ channel_id: channelId, content: `For ${role} to delete` }, { user: sender })
      const calls = role === 'admin' ? await clientFor(role, transport) : (server.app as unknown as Calls)
      assert.strictEqual((await calls.service('messages').remove(message.id)).is_deleted, true, role)
    }
  })

  it('lets only current participants view and type, and sends live messages only to their connections', async () => {
    const roles = ['participant', 'admin', 'removed participant', 'outsider'] as const
    const clients = await Promise.all(roles.map((role) => socketClient(server.url, people[role])))
    const heard = clients.map((client) => recordEvents(client, 'messages', 'created'))
    await server.app.service('messages').create({ channel_id: channelId, content: 'Live' }, { user: sender })
    await sleep(QUIET_MS * 2)
    for (const [i, role] of roles.entries()) {
      const viewing = await verdictOf(() => clients[i].service('presence').view({ channel_id: channelId }))
      assert.strictEqual(
        allowed(viewing === 'allowed'),
        allowed(mayViewAndType(standingOf(role))),
        `${role} views: ${viewing}`
      )
      const live = heard[i].some((message) => message.content === 'Live')
      assert.strictEqual(
        allowed(live),
        allowed(mayViewAndType(standingOf(role))),
        `${role} hears the live message`
      )
    }
  })

  it('refuses a disabled user everywhere with 401, whatever the policy would say of the person', async () => {
    await server.app.service('users').patch(people['disabled user'].id, { disabled: true })
    for (const transport of transports) {
      const verdict = await verdictOf(() => clientFor('disabled user', transport))
      assert.strictEqual(verdict, 401, `login over ${transport}`)
    }
    const anonymous = await socketClient(server.url)
    for (const way of waysIn) assert.strictEqual(await verdictOf(() => way.call(anonymous)), 401, way.name)
  })

  describe('the send statement and the TypeScript rule', () => {
    const cases = (['participant', 'admin', 'removed participant', 'outsider'] as const).flatMap((role) =>
      (['active', 'frozen'] as const).map((status) => ({ role, status }))
    )

    it('agree on who may write, for every role in an active and a frozen channel', async () => {
      const db: Knex = server.app.get('postgresqlClient')
      const { world, channel } = await bookingChannel(server.app)
      const admin = await buildAdmin(server.app)
      await server.app
        .service('bookings')
        .patch(world.booking.id, { supervisor_id: (await buildUser(server.app)).id })
      const who = {
        participant: world.worker,
        admin,
        'removed participant': world.supervisor,
        outsider: world.outsider
      }
      for (const status of ['active', 'frozen'] as const) {
        if (status === 'frozen')
          await server.app.service('bookings').patch(world.booking.id, { status: 'completed' })
        for (const { role } of cases.filter((c) => c.status === status)) {
          const person = who[role]
          const { rows } = await db.raw(
            `select ${mayWriteSql('c', ':sender', ':admin')} as may_write, ${participatesSql('c.id', ':sender')} as participates
             from chat_channels c where c.id = :channel`,
            { sender: person.id, admin: role === 'admin', channel: channel.id }
          )
          const standing: Standing = { exists: true, status, participant: rows[0].participates }
          assert.strictEqual(standing.participant, role === 'participant', `${role}: participates in SQL`)
          assert.strictEqual(rows[0].may_write, mayWrite(person, standing), `${role} in a ${status} channel`)
          const sent = await verdictOf(() =>
            server.app
              .service('messages')
              .create({ channel_id: channel.id, content: `${role} ${status}` }, { user: person })
          )
          assert.strictEqual(
            allowed(sent === 'allowed'),
            allowed(mayWrite(person, standing)),
            `${role} sends in a ${status} channel: ${sent}`
          )
        }
      }
    })
  })
})
