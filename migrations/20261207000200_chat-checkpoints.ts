import type { Knex } from 'knex'

const REFUSE = (message: string) =>
  `raise exception '${message}' using errcode = 'P0001', hint = 'append-only';`

/**
 * Signed checkpoints of a channel's chain: `{channel_id, context, seq, event_seq, head,
 * time}` signed by the service's evidence key, so that a head can leave the building and
 * a later rewrite of the history (by whoever owns the tables) parts from it.
 *
 * The app signs (the key never reaches the database), so the app role inserts; the guard
 * below holds for every role unless the triggers are switched off: a checkpoint is
 * never deleted or changed, only its RFC 3161 token is written once, later (a time-stamp
 * authority that is down must not hold up a freeze). An insert must name a state the
 * chain really passed through, with its real head, and its document must say the same
 * as its columns: a checkpoint of a head the chain never had is refused.
 */
const TABLE = `
  create table chat_checkpoints (
    id bigserial primary key,
    channel_id bigint not null references chat_channels(id),
    reason text not null check (reason in ('frozen', 'dispute', 'request', 'schedule')),
    -- what caused it: 'dispute:7' for a dispute opened on the booking, the admin's id for a request
    detail text,
    seq bigint not null check (seq >= 0),
    event_seq bigint not null check (event_seq >= 0),
    head text check (head ~ '^[0-9a-f]{64}$'),
    taken_at timestamptz not null,
    -- the signed checkpoint as served and exported (JSON, RFC 8785)
    document text not null,
    -- the RFC 3161 TimeStampToken (DER) over the document, once a time-stamp authority gave one
    timestamp_token bytea,
    timestamp_attempts integer not null default 0,
    timestamp_tried_at timestamptz
  )`

const INDEXES = [
  'create index chat_checkpoints_newest on chat_checkpoints (channel_id, id desc)',
  // several instances run the schedule: one scheduled checkpoint per state of a channel
  `create unique index chat_checkpoints_one_per_state on chat_checkpoints (channel_id, seq, event_seq)
    where reason = 'schedule'`,
  // a dispute opened on a booking is checkpointed once, however often it is announced
  `create unique index chat_checkpoints_one_per_dispute on chat_checkpoints (channel_id, detail)
    where reason = 'dispute'`,
  'create index chat_checkpoints_unstamped on chat_checkpoints (id) where timestamp_token is null'
]

const GUARD = `
  create function chat_checkpoints_guard() returns trigger language plpgsql as $$
  declare
    claimed jsonb;
    last_event record;
    expected text;
  begin
    if tg_op in ('DELETE', 'TRUNCATE') then ${REFUSE('a checkpoint is never deleted')}
    end if;
    if tg_op = 'UPDATE' then
      if new.id is distinct from old.id or new.channel_id is distinct from old.channel_id
        or new.reason is distinct from old.reason or new.detail is distinct from old.detail
        or new.seq is distinct from old.seq or new.event_seq is distinct from old.event_seq
        or new.head is distinct from old.head or new.taken_at is distinct from old.taken_at
        or new.document is distinct from old.document then
        ${REFUSE('a checkpoint never changes: only its time-stamp token is added, once')}
      end if;
      if old.timestamp_token is not null and new.timestamp_token is distinct from old.timestamp_token then
        ${REFUSE('a checkpoint keeps the first time-stamp token it got')}
      end if;
      if new.timestamp_attempts < old.timestamp_attempts then
        ${REFUSE('the attempts to time-stamp a checkpoint only count up')}
      end if;
      return new;
    end if;
    if new.timestamp_token is not null or new.timestamp_attempts <> 0 then
      ${REFUSE('a checkpoint is stored before it is time-stamped')}
    end if;
    claimed := new.document::jsonb;
    if (claimed->>'channel_id')::bigint is distinct from new.channel_id or (claimed->>'seq')::bigint is distinct from new.seq
      or (claimed->>'event_seq')::bigint is distinct from new.event_seq or claimed->>'head' is distinct from new.head
      or claimed->>'time' is distinct from public.chat_chain_time(new.taken_at) then
      ${REFUSE('a checkpoint document says what its row says')}
    end if;
    select e.after_seq, e.hash into last_event from public.chat_channel_events e
      where e.channel_id = new.channel_id and e.event_seq = new.event_seq;
    if new.event_seq > 0 and last_event.after_seq = new.seq then
      expected := last_event.hash;
    elsif new.seq > 0 then
      select m.hash into expected from public.chat_messages m where m.channel_id = new.channel_id and m.seq = new.seq;
    end if;
    if (new.event_seq > 0 and (last_event is null or last_event.after_seq > new.seq))
      or exists (select 1 from public.chat_channel_events e where e.channel_id = new.channel_id
        and e.event_seq > new.event_seq and e.after_seq < new.seq)
      or expected is distinct from new.head or (new.seq > 0 and expected is null) then
      ${REFUSE('a checkpoint names a state of the chain it passed through, with its head')}
    end if;
    return new;
  end
  $$`

const TRIGGERS = [
  `create trigger chat_checkpoints_guard before insert or update or delete on chat_checkpoints
    for each row execute function chat_checkpoints_guard()`,
  `create trigger chat_checkpoints_no_truncate before truncate on chat_checkpoints
    for each statement execute function chat_checkpoints_guard()`
]

export async function up(knex: Knex): Promise<void> {
  for (const statement of [TABLE, ...INDEXES, GUARD, ...TRIGGERS]) await knex.raw(statement)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table chat_checkpoints')
  await knex.raw('drop function chat_checkpoints_guard()')
}
