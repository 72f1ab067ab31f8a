/**
 * Seeds the scale scenario straight in SQL (generate_series, INSERT ... SELECT), through
 * the schema's own constraints and triggers: companies, people, one booking per channel,
 * its channel with two participants (worker and supervisor), and `perChannel` messages
 * in each. One person, `reader`, supervises 500 of the bookings, spread over the range.
 * Messages are inserted a slice of channels per statement, in (channel, seq) order, so
 * that the indexes grow at their right edge; the GIN search index is dropped first and
 * built after the load.
 */
import type { Knex } from 'knex'
import { performance } from 'perf_hooks'

export interface ScaleShape {
  channels: number
  perChannel: number
  readerChannels: number
}

const WORKERS = 2000
const SUPERVISORS = 500
const COMPANIES = 50
const SLICE = 500

const idsOf = async (db: Knex, sql: string) =>
  (await db.raw(sql)).rows.map((row: { id: string }) => Number(row.id))

/** Seeds the shape for `readerId`; returns how long each part took, in seconds. */
export async function seedScale(
  db: Knex,
  shape: ScaleShape,
  readerId: number,
  progress: (line: string) => void
) {
  const { channels, perChannel, readerChannels } = shape
  const stride = Math.max(1, Math.floor(channels / readerChannels))
  const seconds: Record<string, number> = {}
  const timed = async (what: string, work: () => Promise<unknown>) => {
    const t0 = performance.now()
    await work()
    seconds[what] = +((performance.now() - t0) / 1000).toFixed(1)
    progress(`${what}: ${seconds[what]} s`)
  }

  await timed('people, companies, bookings, channels, participants', async () => {
    const companies = await idsOf(
      db,
      `insert into companies (name) select 'Scale company ' || g from generate_series(1, ${COMPANIES}) g returning id`
    )
    const people = (role: string, n: number) =>
      idsOf(
        db,
        `insert into users (email, name, password)
        select 'scale-${role}-' || g || '@example.test', 'Scale ${role} ' || g, 'not a password hash'
        from generate_series(1, ${n}) g returning id`
      )
    const workers = await people('worker', WORKERS)
    const supervisors = await people('supervisor', SUPERVISORS)
    // Every stride-th booking is the reader's, up to readerChannels of them
    await db.raw(
      `insert into bookings (borrower_company_id, lender_company_id, worker_id, supervisor_id, status)
       select (:companies::bigint[])[1 + g % ${COMPANIES}], (:companies::bigint[])[1 + (g + 7) % ${COMPANIES}],
         (:workers::bigint[])[1 + g % ${WORKERS}],
         case when g % ${stride} = 0 and g / ${stride} <= ${readerChannels} then :reader::bigint
           else (:supervisors::bigint[])[1 + g % ${SUPERVISORS}] end,
         'confirmed'
       from generate_series(1, ${channels}) g order by g`,
      { companies, workers, supervisors, reader: readerId }
    )
    // Last messages spread over ~35 days in a scrambled order, so that "newest first" is not "by id"
    await db.raw(
      `insert into chat_channels (context_type, context_id, status, created_at, last_message_at, last_seq)
       select 'booking', b.id, 'active', t - interval '30 days', t, ${perChannel}
       from (select b.id, timestamptz '2026-01-01' + ((b.id * 7919) % ${channels}) * interval '1 minute' as t
             from bookings b order by b.id) b`
    )
    // The reader has read all but 0-50 of each channel's messages; everyone else, everything.
    // Joined in the past: the chain's triggers stamp a live join with now() and refuse any
    // other time, so they are off for this one seeding statement (the seed runs as the owner)
    await db.raw('alter table chat_participants disable trigger user')
    await db.raw(
      `insert into chat_participants (channel_id, user_id, role, joined_at, last_read_seq, last_read_at)
       select c.id, who.user_id, who.role, c.created_at,
         case when who.user_id = :reader::bigint then greatest(0, ${perChannel} - (c.id * 37) % 51) else ${perChannel} end,
         c.last_message_at
       from chat_channels c join bookings b on b.id = c.context_id,
         lateral (values (b.worker_id, 'worker'), (b.supervisor_id, 'supervisor')) who(user_id, role)
       order by c.id`,
      { reader: readerId }
    )
    await db.raw('alter table chat_participants enable trigger user')
  })

  // The search index is built once after loading, as a restore does: kept up row by row
  // through 10 million inserts, GIN's pending list cost more than the load itself
  const searchIndex = (
    await db.raw(
      `select pg_get_indexdef(i.indexrelid) as definition, c.relname as name from pg_index i
       join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
       where i.indrelid = 'chat_messages'::regclass and a.amname = 'gin'`
    )
  ).rows as Array<{ definition: string; name: string }>
  for (const { name } of searchIndex) await db.raw(`drop index ${name}`)

  const [{ first, last }] = (
    await db.raw('select min(id)::int as first, max(id)::int as last from chat_channels')
  ).rows
  await timed(`${channels * perChannel} messages`, async () => {
    for (let from = first; from <= last; from += SLICE) {
      await db.raw(
        `insert into chat_messages (channel_id, seq, sender_id, content, created_at)
         select c.id, s, case when s % 2 = 0 then b.supervisor_id else b.worker_id end,
           'Message ' || s || ' of channel ' || c.id || ': the shift starts at seven, bring the safety boots please'
             || case when b.supervisor_id = ${readerId} then '' else ' overtime' end,
           c.last_message_at - (${perChannel} - s) * interval '1 minute'
         from chat_channels c join bookings b on b.id = c.context_id, generate_series(1, ${perChannel}) s
         where c.id >= ? and c.id < ? order by c.id, s`,
        [from, from + SLICE]
      )
      const done = Math.min(last, from + SLICE - 1) - first + 1
      if (done % (SLICE * 20) === 0) progress(`  ${done * perChannel} messages`)
    }
  })
  await timed('search index', () =>
    db.transaction(async (trx) => {
      await trx.raw(`set local maintenance_work_mem = '1GB'`)
      for (const { definition } of searchIndex) await trx.raw(definition)
    })
  )
  await timed('vacuum analyze', () =>
    db.raw('vacuum (analyze) chat_messages, chat_channels, chat_participants, bookings, users, companies')
  )
  return seconds
}
