import assert from 'assert'
import type { Knex } from 'knex'
import { useServer } from '../helpers/app'
import { useOwnerConnection } from '../helpers/runtime-role'
import { buildUser } from '../helpers/factories'
import { bookingChannel } from '../helpers/fixtures'
import type { BookingWorld } from '../helpers/factories'

const TABLES = ['chat_messages', 'chat_channel_events', 'chat_channels', 'chat_participants']

/**
 * The tables' owner can switch the guards off, rewrite the record and recompute every
 * link, so that each link holds. The rules of a record still name what cannot have
 * happened: the check replays the chain, not only its links.
 */
describe('the rules of a record, checked beyond its links', function () {
  this.timeout(60_000)
  const server = useServer()
  const owner = useOwnerConnection()

  const check = (channelId: number) => server.app.service('history-checks').get(channelId)

  /** As the owner with every guard off: `statements`, then every link and the head recomputed. */
  async function rewrite(channelId: number, statements: Array<[string, Knex.RawBinding[]]>) {
    await owner.transaction(async (trx) => {
      for (const table of TABLES) await trx.raw(`alter table ${table} disable trigger user`)
      for (const [sql, bindings] of statements) await trx.raw(sql, bindings)
      await trx.raw(`do $$ declare e record; head text; begin
        for e in select 0 as rank, seq as after_seq, 0 as event_seq, id from chat_messages where channel_id = ${channelId}
          union all select 1, after_seq, event_seq, id from chat_channel_events where channel_id = ${channelId}
          order by after_seq, rank, event_seq loop
          if e.rank = 0 then
            update chat_messages m set hash = chat_chain_link(head, case m.chain_format
              when 1 then chat_message_encoding(m.channel_id, m.seq, m.sender_id, m.content, m.client_id, m.created_at)
              else chat_message_encoding_v2(m.channel_id, m.seq, m.sender_id, m.sender_name, m.content, m.client_id,
                m.created_at) end) where m.id = e.id returning m.hash into head;
          else
            update chat_channel_events v set hash = chat_chain_link(head, case v.chain_format
              when 1 then chat_event_encoding(v.channel_id, v.event_seq, v.after_seq, v.kind, v.actor_id, v.user_id,
                v.message_id, v.detail, v.created_at)
              else chat_event_encoding_v2(v.channel_id, v.event_seq, v.after_seq, v.kind, v.actor_id, v.actor_name,
                v.user_id, v.user_name, v.message_id, v.detail, v.created_at) end)
              where v.id = e.id returning v.hash into head;
          end if;
        end loop;
        update chat_channels c set chain_head = head,
          last_event_seq = (select max(event_seq) from chat_channel_events where channel_id = c.id) where c.id = ${channelId};
      end $$`)
      for (const table of TABLES) await trx.raw(`alter table ${table} enable trigger user`)
    })
    const result = await check(channelId)
    assert.ok(!result.problems.some((problem) => /hash|head/.test(problem.reason)), 'every link holds')
    return result
  }

  const assertNamed = (
    result: { valid: boolean; problems: Array<{ entry: string; reason: string }> },
    entry: RegExp,
    reason: RegExp
  ) => {
    assert.strictEqual(result.valid, false, 'the check fails')
    assert.ok(
      result.problems.some((problem) => entry.test(problem.entry) && reason.test(problem.reason)),
      `a problem names ${entry} ${reason}: ${JSON.stringify(result.problems)}`
    )
  }

  async function channelWithMessages(): Promise<{ world: BookingWorld; channelId: number; ids: number[] }> {
    const { world, channelId } = await bookingChannel(server.app)
    const ids: number[] = []
    for (const sender of [world.worker, world.supervisor, world.worker]) {
      ids.push(
        (
          await server.app
            .service('messages')
            .create({ channel_id: channelId, content: 'words' }, { user: sender })
        ).id
      )
    }
    return { world, channelId, ids }
  }
  const eventOf = (channelId: number, kind: string, userId?: number) =>
    owner('chat_channel_events')
      .where({ channel_id: channelId, kind, ...(userId ? { user_id: userId } : {}) })
      .first()

  it('names a message whose time goes back before the entry chained ahead of it', async () => {
    const { channelId, ids } = await channelWithMessages()
    const result = await rewrite(channelId, [
      [`update chat_messages set created_at = created_at - interval '1 hour' where id = ?`, [ids[1]]]
    ])
    assertNamed(result, new RegExp(`^message seq 2 \\(id ${ids[1]}\\)$`), /goes back in time/)
  })

  it('names a leave moved before its join', async () => {
    const { world, channelId } = await bookingChannel(server.app)
    await server.app
      .service('bookings')
      .patch(world.booking.id, { supervisor_id: (await buildUser(server.app)).id })
    const joined = await eventOf(channelId, 'participant.joined', world.supervisor.id)
    const left = await eventOf(channelId, 'participant.left', world.supervisor.id)
    const result = await rewrite(channelId, [
      ['update chat_channel_events set event_seq = -event_seq where id in (?, ?)', [joined.id, left.id]],
      ['update chat_channel_events set event_seq = ? where id = ?', [joined.event_seq, left.id]],
      ['update chat_channel_events set event_seq = ? where id = ?', [left.event_seq, joined.id]]
    ])
    assertNamed(
      result,
      new RegExp(`^event ${joined.event_seq} \\(participant.left`),
      /leaves without having joined/
    )
  })

  it('names a message whose sender was not a participant when it was sent', async () => {
    const { world, channelId, ids } = await channelWithMessages()
    const result = await rewrite(channelId, [
      ['update chat_messages set sender_id = ? where id = ?', [world.outsider.id, ids[2]]]
    ])
    assertNamed(
      result,
      new RegExp(`^message seq 3 \\(id ${ids[2]}\\)$`),
      /was not a participant when it was sent/
    )
  })

  it('names a message from a non-admin after the channel froze', async () => {
    const { world, channelId, ids } = await channelWithMessages()
    await server.app.service('bookings').patch(world.booking.id, { status: 'completed' })
    const frozen = await eventOf(channelId, 'channel.frozen')
    const result = await rewrite(channelId, [
      [
        `update chat_channel_events set after_seq = 2, created_at = created_at - interval '1 hour' where id = ?`,
        [frozen.id]
      ],
      [`update chat_messages set created_at = created_at - interval '2 hours' where id = ?`, [ids[1]]],
      [`update chat_messages set created_at = created_at - interval '3 hours' where id = ?`, [ids[0]]]
    ])
    assertNamed(result, new RegExp(`^message seq 3 \\(id ${ids[2]}\\)$`), /while the channel was frozen/)
  })

  it('names an event with no membership row, and a row with no event', async () => {
    const { world, channelId } = await channelWithMessages()
    const channel = await owner('chat_channels').where({ id: channelId }).first()
    const participant = await owner('chat_participants')
      .where({ channel_id: channelId, user_id: world.worker.id })
      .first()
    const result = await rewrite(channelId, [
      [
        `insert into chat_channel_events (channel_id, event_seq, after_seq, kind, user_id, detail, created_at, hash)
          values (?, ?, 3, 'participant.joined', ?, 'worker', clock_timestamp(), '')`,
        [channelId, Number(channel.last_event_seq) + 1, world.outsider.id]
      ],
      [`update chat_participants set removed_at = clock_timestamp() where id = ?`, [participant.id]]
    ])
    assertNamed(
      result,
      /^event \d+ \(participant.joined/,
      new RegExp(`matches no membership row of user ${world.outsider.id}`)
    )
    assertNamed(result, new RegExp(`^participant ${participant.id} `), /matches no chained leaving/)
  })
})
